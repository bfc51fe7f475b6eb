/**
 * The patch to tRPC's WebSocket adapter (patches/@trpc+server+11.19.0.patch) keeps tRPC's
 * semantics: a stop ends the wait for a subscription's next value at once, even when the generator
 * does not watch its signal, so that the value it yields next is never sent. Our own generators
 * stop on the signal themselves (notifications.stop.test.ts); this one deliberately does not.
 * tRPC's adapter alone, on a raw socket speaking its protocol.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { until } from './support/until.js';

const t = initTRPC.create();
let release: () => void = () => {};
let seenSignal: AbortSignal | null = null;
let finished = false;
const router = t.router({
  values: t.procedure.subscription(async function* ({ signal }) {
    seenSignal = signal ?? null;
    try {
      yield 'first';
      await new Promise<void>((resolve) => (release = resolve));
      yield 'second';
    } finally {
      finished = true;
    }
  }),
});

let wss: WebSocketServer;
beforeAll(async () => {
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  applyWSSHandler({ wss, router });
  await once(wss, 'listening');
});
afterAll(() => wss.close());

describe("tRPC's WebSocket adapter, as patched", () => {
  it('stops a subscription whose generator ignores its signal before its next value is sent', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const messages: Array<{ id: number; result?: { type: string; data?: unknown } }> = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await once(socket, 'open');
    socket.send(JSON.stringify({ id: 1, method: 'subscription', params: { path: 'values', input: null } }));
    await until(() => messages.some((m) => m.result?.type === 'data'), 'the first value arrived');
    socket.send(JSON.stringify({ id: 1, method: 'subscription.stop' }));
    await until(() => seenSignal?.aborted === true, 'the generator saw its signal abort');
    release();
    await until(() => messages.some((m) => m.result?.type === 'stopped'), 'the stop was acknowledged');

    expect(messages.filter((m) => m.id === 1).map((m) => m.result?.data ?? m.result?.type)).toEqual(['started', 'first', 'stopped']);
    expect(finished).toBe(true);
    socket.close();
  });
});
