import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The reports page's charts and what only they use (recharts' own dependencies). */
const CHARTS = /node_modules[\\/](@mantine[\\/]charts|recharts|victory-vendor|d3-[a-z-]+|internmap|@reduxjs|redux|redux-thunk|react-redux|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3|tiny-invariant)[\\/]/;

/** The API server `npm run dev` proxies to; the built SPA is served by that server itself. */
const apiServer = 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // Written on the page's tags and its <meta property="csp-nonce">; the server replaces it with a
  // fresh nonce per response (apps/server/src/http/spa.ts, NONCE_PLACEHOLDER).
  html: { cspNonce: '__PMS_CSP_NONCE__' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps in the build: the server would publish them with the app.
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own, so that they stay cached across releases of the app.
        // `$initial`: what the first screen (sign-in, or "Connecting…") needs; the signed-in
        // shell and its pages are lazy chunks (src/ui/lazy-named.ts), and so are the libraries
        // only they use (the menus' and selects' floating UI, the router, number inputs).
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 4 },
            { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/, tags: ['$initial'], priority: 3 },
            { name: 'vendor', test: /node_modules[\\/]/, tags: ['$initial'], priority: 2 },
            { name: 'vendor-lazy', test: (id) => /node_modules[\\/]/.test(id) && !CHARTS.test(id), priority: 1 },
            // Last, once every module other pages share has its chunk: loaded by the reports page alone.
            { name: 'charts', test: CHARTS, priority: 0 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/trpc': { target: apiServer, ws: true },
      '/healthz': { target: apiServer },
      '/readyz': { target: apiServer },
      // The Sent mail screen's framed mail (apps/server/src/http/mail-preview.ts).
      '^/admin/mail/[^/]+\.html$': { target: apiServer },
    },
  },
});
