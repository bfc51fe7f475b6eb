/** `npm run build -w @pms/server`: dist/main.js, what `npm start` and the Docker image run. */
import { bundleForNode } from './bundle.js';

await bundleForNode('src/main.ts', 'dist/main.js');
console.log('[build] apps/server/dist/main.js');
