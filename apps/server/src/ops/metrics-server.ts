/**
 * The Prometheus endpoint, on a listener of its own (METRICS_HOST:METRICS_PORT, loopback by
 * default) so the public port never serves it: GET /metrics, nothing else.
 */
import { createServer, type Server } from 'node:http';
import type { ApiMetrics, Logger } from '@pms/api';

export interface MetricsServer {
  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

export function createMetricsServer(metrics: ApiMetrics, log: Logger, host: string, port: number): MetricsServer {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (error: Error) => {
        log.error({ err: error }, 'metrics: collecting failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) =>
          reject(error.code === 'EADDRINUSE' ? new Error(`metrics port ${port} is already in use (set METRICS_PORT, or METRICS_PORT=off)`) : error),
        );
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
