import { useState } from 'react';

/**
 * Which dialog a list's row menu opened, and for which row. Held by the page, never by a row:
 * lists draw a table where there is room and cards on a phone, two trees, so a window crossing
 * that width remounts every row, which would close an open dialog and lose what was typed in it
 * or the server's answer shown beside a field. The row stays set while its dialog closes, so the
 * closing animation keeps its title.
 */
export function useRowDialog<Dialog extends string, Row>() {
  const [state, setState] = useState<{ dialog: Dialog | null; row: Row | null }>({ dialog: null, row: null });
  return {
    dialog: state.dialog,
    row: state.row,
    show: (dialog: Dialog, row: Row) => setState({ dialog, row }),
    close: () => setState((current) => ({ ...current, dialog: null })),
  };
}
