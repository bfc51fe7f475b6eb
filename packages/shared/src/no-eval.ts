/**
 * In a browser, zod's eval-compiled fast path is off before any schema is built: the SPA's CSP
 * forbids eval, and zod's probe for it (a `new Function` it catches) would still be reported as a
 * violation. First import of index.ts for that reason. The server keeps the fast path.
 */
import { config } from 'zod';

if ('document' in globalThis) config({ jitless: true });
