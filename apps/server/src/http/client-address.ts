import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The caller's address, for throttling. With `trustedProxies` = 0 (TRUST_PROXY) the socket's peer;
 * with n, the n-th X-Forwarded-For entry from the right: each trusted proxy appends the address it
 * saw, and anything further left was written by the client and may be forged.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const peer = withoutV4Mapping(req.socket.remoteAddress ?? 'unknown');
  if (trustedProxies === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  const forwarded = hops[Math.max(0, hops.length - trustedProxies)];
  return forwarded && isIP(forwarded) ? withoutV4Mapping(forwarded) : peer;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is 10.0.0.1. */
function withoutV4Mapping(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}
