/**
 * The tab relay over real BroadcastChannels (Node has them): each TabBus is one tab. The
 * upstream is a scripted server stream: a list of events the hub's subscription reads from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BUFFERED, StreamHub, TabRelay, type OpenUpstream, type StreamSink } from './shared-streams';
import { TabBus, type StreamEvent } from './tab-bus';

const topic = { path: 'notifications.onEvent', input: {} };
let buses: TabBus[] = [];
afterEach(() => {
  for (const bus of buses) bus.close();
  buses = [];
});

/** A server stream with events 1..n so far; `publish` appends one and pushes it to open subscriptions. */
function serverStream() {
  const stored: StreamEvent[] = [];
  const open = new Set<{ sink: StreamSink }>();
  const opened: Array<string | undefined> = [];
  const subscribe: OpenUpstream = (_topic, after, sink) => {
    opened.push(after);
    const subscription = { sink };
    open.add(subscription);
    setTimeout(() => {
      if (!open.has(subscription)) return;
      sink.started();
      for (const event of stored) if (after !== undefined && Number(event.id) > Number(after)) sink.data(event);
    }, 1);
    return () => void open.delete(subscription);
  };
  return {
    subscribe,
    opened,
    publish() {
      const event = { id: String(stored.length + 1), data: `event ${stored.length + 1}` };
      stored.push(event);
      for (const { sink } of open) sink.data(event);
    },
  };
}

function tab(name: string) {
  const bus = new TabBus('test-tabs');
  buses.push(bus);
  const relay = new TabRelay(name);
  relay.connect(bus);
  return { bus, relay };
}

/** A subscription of a tab that records what it is handed. */
function reader(relay: TabRelay, after: string | undefined) {
  const seen: string[] = [];
  let started = 0;
  const stop = relay.read(topic, after, {
    started: () => (started += 1),
    data: (event) => seen.push(event.id!),
    error: () => {},
    stopped: () => {},
  });
  return { seen, stop, started: () => started };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => String(from + index));

function lead(bus: TabBus, name: string, server: ReturnType<typeof serverStream>) {
  return new StreamHub(bus, name, server.subscribe, () => 'connected');
}

describe('shared streams', () => {
  it('one upstream serves every tab; a tab joining late gets what it missed from the leader, once', async () => {
    const server = serverStream();
    const leader = tab('a');
    lead(leader.bus, 'a', server);
    const own = reader(leader.relay, '0');
    await settle();
    server.publish();
    server.publish();
    await settle();

    // Its counts were read at 1: it needs 2 from the leader's memory, then the live ones.
    const follower = tab('b');
    const other = reader(follower.relay, '1');
    server.publish();
    await settle();
    server.publish();
    await settle();

    expect(server.opened).toEqual(['0']);
    expect(own.seen).toEqual(range(1, 4));
    expect(other.seen).toEqual(range(2, 4));
    expect(other.started()).toBe(1);
  });

  it('events the leader sends while a tab waits for its answer reach that tab once, in order', async () => {
    const server = serverStream();
    const leader = tab('a');
    lead(leader.bus, 'a', server);
    reader(leader.relay, '0');
    const follower = tab('b');
    await settle(); // b knows the leader
    // b asks from 0; the leader relays 1 and 2 before the question reaches it.
    const late = reader(follower.relay, '0');
    server.publish();
    server.publish();
    await settle();
    server.publish();
    await settle();
    expect(late.seen).toEqual(range(1, 3));
    expect(late.started()).toBe(1);
  });

  it('a tab behind what the leader kept makes it reopen the upstream from there; the others skip the repeats', async () => {
    const server = serverStream();
    const leader = tab('a');
    lead(leader.bus, 'a', server);
    for (let i = 0; i < 3; i += 1) server.publish();
    const own = reader(leader.relay, '3');
    await settle();
    const late = reader(tab('b').relay, '1');
    await settle();
    server.publish();
    await settle();

    expect(server.opened).toEqual(['3', '1']);
    expect(own.seen).toEqual(['4']);
    expect(late.seen).toEqual(range(2, 4));
  });

  it('forgets all but the last BUFFERED events', async () => {
    const server = serverStream();
    const leader = tab('a');
    lead(leader.bus, 'a', server);
    reader(leader.relay, '0');
    await settle();
    for (let i = 0; i < BUFFERED + 10; i += 1) server.publish();
    await settle();
    const late = reader(tab('b').relay, '5');
    await settle();
    expect(server.opened).toEqual(['0', '5']);
    expect(late.seen).toEqual(range(6, BUFFERED + 10));
  });

  it('when the leader goes, the next one resumes from the last id the tabs saw: nothing missed, nothing twice', async () => {
    const server = serverStream();
    const first = tab('a');
    const hub = lead(first.bus, 'a', server);
    const second = tab('b');
    const third = tab('c');
    const b = reader(second.relay, '0');
    const c = reader(third.relay, '0');
    await settle();
    server.publish();
    server.publish();
    await settle();

    // Tab a closes; while nobody leads, two more events are stored.
    hub.close();
    first.bus.close();
    server.publish();
    server.publish();
    lead(second.bus, 'b', server);
    await settle();
    server.publish();
    await settle();

    expect(server.opened).toEqual(['0', '2']);
    expect(b.seen).toEqual(range(1, 5));
    expect(c.seen).toEqual(range(1, 5));
    // Started again under the new leader, as after a reconnect: lists refetch.
    expect(c.started()).toBe(2);
  });

  it('ignores what a former leader still sends after a new one took over', async () => {
    const server = serverStream();
    const first = tab('a');
    const hub = lead(first.bus, 'a', server);
    const second = tab('b');
    const c = reader(tab('c').relay, '0');
    await settle();
    hub.close();
    lead(second.bus, 'b', server);
    await settle();
    // A message of tab a's still in flight: only b's copy counts.
    first.bus.post({ t: 'event', leader: 'a', key: 'notifications.onEvent {}', event: { id: '7', data: 'stale' } });
    server.publish();
    await settle();
    expect(c.seen).toEqual(['1']);
  });
});
