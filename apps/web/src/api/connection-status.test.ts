import { describe, expect, it } from 'vitest';
import { describeConnection, type ConnectionFacts } from './connection-status';

const facts = (change: Partial<ConnectionFacts>): ConnectionFacts => ({
  socket: 'connecting',
  failed: false,
  everConnected: false,
  browserOnline: true,
  ...change,
});

describe('describeConnection', () => {
  it('is connecting until the first socket opens', () => {
    expect(describeConnection(facts({}))).toBe('connecting');
    expect(describeConnection(facts({ socket: 'pending', everConnected: true }))).toBe('connected');
  });

  it('is reconnecting after a drop, or after a failed first attempt', () => {
    expect(describeConnection(facts({ everConnected: true, failed: true }))).toBe('reconnecting');
    expect(describeConnection(facts({ everConnected: true }))).toBe('reconnecting');
    expect(describeConnection(facts({ failed: true }))).toBe('reconnecting');
  });

  it('is offline when the browser is, whatever the socket says', () => {
    expect(describeConnection(facts({ socket: 'pending', everConnected: true, browserOnline: false }))).toBe('offline');
    expect(describeConnection(facts({ browserOnline: false }))).toBe('offline');
  });

  it('is offline once the client is closed', () => {
    expect(describeConnection(facts({ socket: 'idle', everConnected: true }))).toBe('offline');
  });
});
