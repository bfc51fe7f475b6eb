import { lazy, type ComponentType } from 'react';

/**
 * `React.lazy` for a named export (the app has no default exports) of a chunk whose download
 * has already begun: `loading` is an `import()` started when the importing module runs, so the
 * chunk arrives while the app waits for other things, and showing it later needs no network.
 */
export function lazyNamed<Name extends string, Props>(loading: Promise<Record<Name, ComponentType<Props>>>, name: Name) {
  // A failed download is reported by the error boundary around the component once it is shown,
  // not as an unhandled rejection now.
  loading.catch(() => undefined);
  return lazy(async () => ({ default: (await loading)[name] }));
}
