import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API server `npm run dev` proxies to; the built SPA is served by that server itself. */
const apiServer = 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // One bundle of ~240 kB gzipped (React, Mantine, zod for the shared enums) is fine for an internal app.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      '/trpc': { target: apiServer, ws: true },
      '/healthz': { target: apiServer },
    },
  },
});
