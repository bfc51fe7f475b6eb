/**
 * The search box in the header: on wide screens a box, on a phone an icon that opens one over the
 * header. Typing searches once it pauses (the results page, /search?q=…); "/" anywhere but in a
 * text field goes to the box.
 */
import { ActionIcon, CloseButton, Group, TextInput } from '@mantine/core';
import { useDebouncedCallback, useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { SearchIcon } from '../ui/icons';
import { parseSearchParams, searchHref } from './search-params';

const TYPING = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';

/** "/" focuses the box, unless someone is typing somewhere (or a modifier makes it another shortcut). */
function useSlashToFocus(focus: () => void) {
  const latest = useRef(focus);
  latest.current = focus;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (event.target instanceof Element && event.target.closest(TYPING)) return;
      event.preventDefault(); // the "/" is not typed into the box
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function HeaderSearch() {
  const [location, navigate] = useLocation();
  const onResults = location === '/search';
  const search = useSearch();
  const current = parseSearchParams(onResults ? search : '');
  const [text, setText] = useState(current.q);
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // Back, Forward and links change the words: the box follows (unless only spaces differ, mid-typing).
  useEffect(() => setText((typed) => (typed.trim() === current.q ? typed : current.q)), [current.q]);

  // From another page a search is a new entry in the history; on the results page, typing refines it.
  const show = (q: string) => navigate(searchHref({ ...current, q }), { replace: onResults });
  const searchSoon = useDebouncedCallback((q: string) => {
    if (q.trim() || onResults) show(q);
  }, 300);

  useSlashToFocus(() => (wide ? input.current?.focus() : setOpen(true)));

  const box = (
    <form
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        searchSoon.cancel();
        show(text);
        setOpen(false); // on a phone, the results come into view
      }}
      style={{ flex: 1 }}
    >
      <TextInput
        ref={input}
        type="search"
        aria-label="Search goals and notifications"
        placeholder="Search  ( / )"
        leftSection={<SearchIcon size={16} />}
        value={text}
        autoFocus={!wide}
        onChange={(event) => {
          setText(event.currentTarget.value);
          searchSoon(event.currentTarget.value);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') (wide ? input.current?.blur() : setOpen(false));
        }}
        w={wide ? { base: 200, md: 300 } : '100%'}
      />
    </form>
  );

  if (wide) return box;
  return (
    <>
      <ActionIcon variant="subtle" color="gray" size="lg" aria-label="Search" onClick={() => setOpen(true)}>
        <SearchIcon size={20} />
      </ActionIcon>
      {open && (
        <Group pos="absolute" inset={0} px="xs" gap="xs" wrap="nowrap" bg="var(--mantine-color-body)" style={{ zIndex: 1 }}>
          {box}
          <CloseButton aria-label="Close search" onClick={() => setOpen(false)} />
        </Group>
      )}
    </>
  );
}
