import { useComputedColorScheme } from '@mantine/core';
import { useEffect } from 'react';

/** The page's body colour in each scheme (Mantine's white and dark.7). */
const BODY = { light: '#ffffff', dark: '#242424' } as const;

/** Keeps the browser's chrome (meta theme-color, index.html) the colour of the page as the scheme changes. */
export function ThemeColor() {
  const scheme = useComputedColorScheme('light');
  useEffect(() => {
    document.querySelector<HTMLMetaElement>('meta[name="theme-color"]')?.setAttribute('content', BODY[scheme]);
  }, [scheme]);
  return null;
}
