import { useState } from 'react';
import type { NotificationItem } from './types';

/**
 * Which rows of a list are selected for a bulk action: some picked by hand, or, Gmail-style,
 * "all matching this filter" up to the newest row shown when it was chosen (`maxId`; rows
 * arriving later are not selected, and the server leaves them alone too). Only rows still shown
 * count as selected: one deleted or moved elsewhere leaves the selection with it. The list keys
 * its component by its filters, so changing a filter starts a new selection.
 */
export function useBulkSelection(items: readonly NotificationItem[]) {
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [allMatching, setAllMatching] = useState<{ maxId: number } | null>(null);

  const isSelected = (item: NotificationItem) => (allMatching ? item.id <= allMatching.maxId : picked.has(item.id));
  const selectedIds = items.filter(isSelected).map((item) => item.id);
  const clear = () => {
    setPicked(new Set());
    setAllMatching(null);
  };

  return {
    isSelected,
    selectedIds,
    allMatching,
    /** Every row shown is selected (the moment to offer "all matching"). */
    allShown: items.length > 0 && selectedIds.length === items.length,
    /** Picks or unpicks rows; unpicking one of "all matching" turns it into the shown rows picked by hand. */
    toggle(ids: readonly number[], on: boolean) {
      const next = new Set(selectedIds);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      setAllMatching(null);
      setPicked(next);
    },
    selectShown(on: boolean) {
      setAllMatching(null);
      setPicked(new Set(on ? items.map((item) => item.id) : []));
    },
    selectAllMatching() {
      if (items.length > 0) setAllMatching({ maxId: Math.max(...items.map((item) => item.id)) });
    },
    clear,
  };
}

export type BulkSelection = ReturnType<typeof useBulkSelection>;
