/**
 * The eventstoredb adapter: the shared contract suite, then what goes wrong on a network.
 *
 * By default everything runs against the in-process gRPC emulator (test/esdb/emulator.ts)
 * with the real @eventstore/db-client. With EVENTSTORE_URL set (e.g.
 * `esdb://localhost:2113?tls=false`) the contract suite and every test that needs no fault
 * injection run against that server instead; the describe labels say which one ran.
 *
 * EventStoreDB keeps event ids unique per stream only, so the contract suite runs with
 * `uniqueIdsAcrossStreams: false` and its cross-stream cases show as skipped.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { EventStoreDBClient, binaryEvent, jsonEvent } from '@eventstore/db-client';
import { afterAll, describe, expect, it } from 'vitest';
import { isLedgerError, type LedgerError, type LedgerErrorCode } from '../../src/domain/errors.js';
import {
  decodePosition,
  encodePosition,
  eventStoreDBStore,
  eventStoreDBStoreFromConnectionString,
  type EventStoreDBStoreOptions,
} from '../../src/store/eventstoredb.js';
import type { EventStore, ProposedEvent, RecordedEvent } from '../../src/store/port.js';
import { startEmulator, type Emulator } from '../esdb/emulator.js';
import { testEventStore } from './contract.js';

const REAL_SERVER = process.env.EVENTSTORE_URL;
const where = REAL_SERVER === undefined ? 'in-process gRPC emulator' : `real server at ${REAL_SERVER.replace(/\/\/[^@/]*@/, '//')}`;

let emulator: Promise<Emulator> | undefined;
const theEmulator = (): Promise<Emulator> => (emulator ??= startEmulator());
const serverUrl = async (): Promise<string> => REAL_SERVER ?? (await theEmulator()).connectionString;
afterAll(async () => (await emulator)?.stop());

/** A prefix of its own for each store, so stores sharing a (real) server never see each other. */
const freshPrefix = (): string => `t${randomUUID().slice(0, 8)}-`;
const openStore = async (options: EventStoreDBStoreOptions = {}): Promise<EventStore> =>
  eventStoreDBStoreFromConnectionString(await serverUrl(), { prefix: freshPrefix(), ...options });

const event = (type = 'Tested', data: Record<string, unknown> = {}): ProposedEvent => ({ id: randomUUID(), type, data });
const events = (n: number, type = 'Tested'): ProposedEvent[] => Array.from({ length: n }, (_, i) => event(type, { i }));

async function collect(source: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

async function refusal(promise: Promise<unknown>, code: LedgerErrorCode): Promise<LedgerError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected ${code}, but it resolved with ${String(value)}`);
    },
    (e: unknown) => e,
  );
  if (!isLedgerError(error, code)) throw error;
  return error;
}

/** What a caller does after a cut connection: try again while the store is unavailable. */
async function untilAvailable<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!isLedgerError(error, 'STORE_UNAVAILABLE') || attempt >= 20) throw error;
      await delay(25);
    }
  }
}

async function nextOf(it: AsyncIterator<RecordedEvent>, stream: string): Promise<RecordedEvent> {
  for (;;) {
    const r = await it.next();
    if (r.done === true) throw new Error('subscription ended early');
    if (r.value.stream === stream) return r.value;
  }
}

// EventStoreDB keeps event ids unique per stream only: see docs/eventstoredb.md.
testEventStore(`eventstoredb over the ${where}`, async () => ({ store: await openStore() }), { uniqueIdsAcrossStreams: false });

describe('eventstoredb positions', () => {
  it('encodes commit and prepare losslessly into one bigint, keeping their order', () => {
    const max = (1n << 64n) - 1n;
    const positions = [
      { commit: 0n, prepare: 0n },
      { commit: 0n, prepare: max },
      { commit: 1n, prepare: 0n },
      { commit: 4096n, prepare: 4096n },
      { commit: 4096n, prepare: 4300n },
      { commit: max, prepare: max },
    ];
    const encoded = positions.map(encodePosition);
    expect(encoded.map(decodePosition)).toEqual(positions);
    expect([...encoded].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(encoded);
  });

  it('refuses a position no EventStoreDB position encodes to, and a server position out of range', () => {
    expect(() => decodePosition(-1n)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => decodePosition(1n << 128n)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT' }));
  });
});

describe('eventstoredb connection strings', () => {
  it('takes a single node, a node list and a discovery string, naming the store without credentials', async () => {
    const stores = [
      eventStoreDBStoreFromConnectionString('esdb://localhost:2113?tls=false'),
      eventStoreDBStoreFromConnectionString('esdb://a:2113,b:2113,c:2113'),
      eventStoreDBStoreFromConnectionString('esdb+discover://admin:changeit@node1:2113,node2:2113,node3:2113?tls=true', { prefix: 'acme-' }),
    ];
    expect(stores.map((s) => s.name)).toEqual([
      'esdb://localhost:2113',
      'esdb://a:2113,b:2113,c:2113',
      'esdb+discover://node1:2113,node2:2113,node3:2113 (prefix acme-)',
    ]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('refuses other schemes, malformed strings and a system-stream prefix as INVALID_INPUT', () => {
    for (const bad of ['http://localhost:2113', 'esdb://host:notaport', 'esdb://h?tls=maybe', 'sqlite.db']) {
      expect(() => eventStoreDBStoreFromConnectionString(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
    expect(() => eventStoreDBStoreFromConnectionString('esdb://localhost:2113', { prefix: '$system-' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('maps an unreachable server to STORE_UNAVAILABLE with the client message, on every operation', async () => {
    // Nothing listens on port 1: the client fails fast with UNAVAILABLE.
    const store = eventStoreDBStoreFromConnectionString('esdb://127.0.0.1:1?tls=false', { resubscribe: { maxAttempts: 1, firstDelayMs: 1 } });
    const failures = [
      await refusal(store.append('policy', [event()], 'any'), 'STORE_UNAVAILABLE'),
      await refusal(collect(store.readStream('policy')), 'STORE_UNAVAILABLE'),
      await refusal(store.lastEvent('policy'), 'STORE_UNAVAILABLE'),
      await refusal(collect(store.readAll()), 'STORE_UNAVAILABLE'),
      await refusal(collect(store.subscribe()), 'STORE_UNAVAILABLE'),
    ];
    for (const f of failures) expect(f.details).toMatchObject({ message: expect.stringMatching(/UNAVAILABLE|ECONNREFUSED|connect/i) });
    await store.close();
  });
});

describe(`eventstoredb behaviour over the ${where}`, () => {
  it('turns a wrong expected version into WRONG_EXPECTED_REVISION with the actual revision, from which a retry succeeds', async () => {
    const prefix = freshPrefix();
    const [store, other] = [await openStore({ prefix }), await openStore({ prefix })];
    await store.append('subject-1', events(2), 'no_stream');
    await other.append('subject-1', [event('ByTheOtherWriter')], 1n);
    const conflict = await refusal(store.append('subject-1', [event('Mine')], 1n), 'WRONG_EXPECTED_REVISION');
    expect(conflict.details).toEqual({ stream: 'subject-1', expected: 1n, actual: 2n });
    const retried = await store.append('subject-1', [event('Mine')], conflict.details.actual as bigint);
    expect(retried.nextRevision).toBe(3n);
    expect((await collect(store.readStream('subject-1'))).map((e) => e.type)).toEqual(['Tested', 'Tested', 'ByTheOtherWriter', 'Mine']);
    await Promise.all([store.close(), other.close()]);
  });

  it('isolates two ledgers on one server by prefix: same stream names, same event ids', async () => {
    const [a, b] = [await openStore(), await openStore()];
    const start = (await a.append('marker', [event('Marker')], 'no_stream')).position;
    const shared = event('PolicyPublished', { version: 1 });
    await a.append('policy', [shared], 'no_stream');
    await b.append('policy', [shared, event('PolicyPublished', { version: 2 })], 'no_stream');
    await b.append('staff-7', [event('StaffAdded')], 'no_stream');
    await a.append('staff-7', [event('StaffAdded', { by: 'a' })], 'no_stream');

    expect((await collect(a.readStream('policy'))).map((e) => e.revision)).toEqual([0n]);
    expect((await collect(b.readStream('policy'))).map((e) => e.revision)).toEqual([0n, 1n]);
    const seenByA = await collect(a.readAll({ after: start }));
    expect(seenByA.map((e) => [e.stream, e.type])).toEqual([
      ['policy', 'PolicyPublished'],
      ['staff-7', 'StaffAdded'],
    ]);
    expect((await collect(b.readAll({ after: start }))).map((e) => e.stream)).toEqual(['policy', 'policy', 'staff-7']);

    const sub = a.subscribe({ after: start });
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ stream: 'policy', id: shared.id });
    expect((await it.next()).value).toMatchObject({ stream: 'staff-7', data: { by: 'a' } });
    // Closing the store ends the subscriptions it opened, even one waiting for its next event.
    const pending = it.next();
    await a.close();
    expect((await pending).done).toBe(true);
    await b.close();
  });

  it('skips system streams, system event types and other prefixes in readAll and subscribe, and refuses what it did not write', async () => {
    const prefix = freshPrefix();
    const client = EventStoreDBClient.connectionString(await serverUrl());
    const store = eventStoreDBStore(client, { prefix });
    const start = (await store.append('marker', [event('Marker')], 'no_stream')).position;
    await client.appendToStream(`$system-${randomUUID()}`, jsonEvent({ type: 'Whatever', data: {} }));
    await client.appendToStream(`${prefix}/subject-1`, jsonEvent({ type: '$metadata-like', data: {} }));
    // A prefix that begins with ours is another tenant's: never read.
    await client.appendToStream(`${prefix}2/subject-1`, jsonEvent({ type: 'AnotherTenant', data: {} }));
    await client.appendToStream(`${prefix}/nested/subject-1`, jsonEvent({ type: 'NotOursEither', data: {} }));
    await client.appendToStream(`other-${randomUUID()}`, jsonEvent({ type: 'NotOurs', data: {} }));
    await store.append('subject-1', [event('Ours')], 0n);

    expect((await collect(store.readAll({ after: start }))).map((e) => [e.stream, e.type, e.revision])).toEqual([['subject-1', 'Ours', 1n]]);
    const sub = store.subscribe({ after: start });
    expect((await sub[Symbol.asyncIterator]().next()).value).toMatchObject({ stream: 'subject-1', type: 'Ours' });
    await sub.close();

    // A binary event under our prefix is not an envelope this store wrote: it is read, as unreadable data.
    await client.appendToStream(`${prefix}/keys`, binaryEvent({ type: 'KeyAdded', data: new Uint8Array([1, 2, 3]) }));
    const [binary] = await collect(store.readStream('keys'));
    expect(binary).toMatchObject({ stream: 'keys', revision: 0n, data: { unreadable: true, reason: 'a binary event, not JSON' } });

    // The caller's client is the caller's: closing the store leaves it usable.
    await store.close();
    await refusal(store.lastEvent('subject-1'), 'CLOSED');
    expect((await client.appendToStream(`${prefix}/after-close`, jsonEvent({ type: 'Still', data: {} }))).success).toBe(true);
    await client.dispose();
  });

  it('walks $all and long streams page by page, in order, honouring after and maxCount', async () => {
    const store = await openStore({ pageSize: 3 });
    const start = (await store.append('marker', [event('Marker')], 'no_stream')).position;
    const written = events(10);
    await store.append('subject-9', written.slice(0, 4), 'no_stream');
    await store.append('subject-8', written.slice(4, 7), 'no_stream');
    await store.append('subject-9', written.slice(7), 3n);
    const all = await collect(store.readAll({ after: start }));
    expect(all.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect((await collect(store.readAll({ after: all[2]!.position, maxCount: 5 }))).map((e) => e.id)).toEqual(all.slice(3, 8).map((e) => e.id));
    expect((await collect(store.readStream('subject-9', { fromRevision: 1n }))).map((e) => e.revision)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect((await collect(store.readStream('subject-9', { fromRevision: 1n, maxCount: 4 }))).map((e) => e.revision)).toEqual([1n, 2n, 3n, 4n]);
    await store.close();
  });

  it('refuses ids that are not UUIDs and the empty stream name; event-id-… is an ordinary stream name', async () => {
    const store = await openStore();
    await refusal(store.append('subject-1', [{ id: 'not-a-uuid', type: 'T', data: {} }], 'any'), 'INVALID_INPUT');
    await refusal(store.append('', [event()], 'any'), 'INVALID_INPUT');
    expect(await store.lastEvent('subject-1')).toBeUndefined();
    expect((await store.append('event-id-0f8fad5b-d9cb-469f-a165-70867728950e', [event()], 'no_stream')).nextRevision).toBe(0n);
    await store.close();
  });

  it('keeps event ids unique per stream only: one id is accepted in two streams', async () => {
    const store = await openStore();
    const start = (await store.append('marker', [event('Marker')], 'no_stream')).position;
    const shared = event('Shared');
    await store.append('subject-1', [shared], 'no_stream');
    await store.append('subject-2', [{ ...shared }], 'no_stream');
    expect((await collect(store.readAll({ after: start }))).map((e) => [e.stream, e.id])).toEqual([
      ['subject-1', shared.id],
      ['subject-2', shared.id],
    ]);
    await store.close();
  });

  it("answers a batch sent again with the revision it was first sent at as the server's retry, even from a store that never sent it", async () => {
    const prefix = freshPrefix();
    const [store, other] = [await openStore({ prefix }), await openStore({ prefix })];
    const batch = events(2, 'Used');
    const first = await store.append('subject-1', batch, 'no_stream');
    await store.append('subject-1', [event('Later')], 1n);
    expect(await other.append('subject-1', batch, 'no_stream')).toEqual(first);
    expect((await collect(other.readStream('subject-1'))).map((e) => e.type)).toEqual(['Used', 'Used', 'Later']);
    await Promise.all([store.close(), other.close()]);
  });

  it('refuses, after the server says wrong_expected_version, a batch whose ids are in the stream elsewhere as DUPLICATE_EVENT_ID', async () => {
    const prefix = freshPrefix();
    const [store, other] = [await openStore({ prefix }), await openStore({ prefix })];
    const taken = event('Taken');
    await store.append('subject-1', [taken, event('Other')], 'no_stream');
    // `other` never sent these ids: the server's answer is what sends it looking.
    const stale = await refusal(other.append('subject-1', [{ ...taken }], 0n), 'DUPLICATE_EVENT_ID');
    expect(stale.details).toMatchObject({ id: taken.id, stream: 'subject-1', storedIn: 'subject-1', revision: 0n });
    const partial = await refusal(other.append('subject-1', [{ ...taken }, event('New')], 'any'), 'DUPLICATE_EVENT_ID');
    expect(partial.details).toMatchObject({ id: taken.id, stream: 'subject-1', revision: 0n });
    expect((await collect(other.readStream('subject-1'))).map((e) => e.type)).toEqual(['Taken', 'Other']);
    await Promise.all([store.close(), other.close()]);
  });

  it('does not see a repeat at the head of ids another store wrote: the server stores them again (the limit docs/eventstoredb.md states)', async () => {
    const prefix = freshPrefix();
    const [store, other] = [await openStore({ prefix }), await openStore({ prefix })];
    const taken = event('Taken');
    await store.append('subject-1', [taken], 'no_stream');
    // The same store refuses it: it remembers sending that id to that stream.
    await refusal(store.append('subject-1', [{ ...taken }], 0n), 'DUPLICATE_EVENT_ID');
    // Another one cannot know without a read per append; the server checks only retries.
    expect((await other.append('subject-1', [{ ...taken }], 0n)).nextRevision).toBe(1n);
    expect((await collect(store.readStream('subject-1'))).map((e) => e.id)).toEqual([taken.id, taken.id]);
    await Promise.all([store.close(), other.close()]);
  });
});

describe.skipIf(REAL_SERVER !== undefined)('eventstoredb round trips (in-process gRPC emulator)', () => {
  /** The Streams calls the emulator receives while `run` runs, on streams under this prefix. */
  const callsDuring = async (server: Emulator, prefix: string, run: () => Promise<unknown>) => {
    const from = server.calls.length;
    await run().catch(() => undefined);
    return server.calls.slice(from).filter((c) => c.stream.startsWith(`${prefix}/`)).map((c) => `${c.rpc} ${c.stream.slice(prefix.length + 1)}`);
  };

  it('appends a batch of 100 events in one Append call: no read, no other stream, 100 events in $all', async () => {
    const server = await theEmulator();
    const prefix = freshPrefix();
    const store = await openStore({ prefix });
    const start = (await store.append('marker', [event('Marker')], 'no_stream')).position;
    const batch = events(100);
    expect(await callsDuring(server, prefix, () => store.append('subject-1', batch, 'no_stream'))).toEqual(['append subject-1']);
    expect(await callsDuring(server, prefix, () => store.append('subject-1', [event()], 99n))).toEqual(['append subject-1']);
    expect((await collect(store.readAll({ after: start }))).length).toBe(101);
    await store.close();
  });

  it('reads back only after a conflict or for a repeat, and refuses a repeat inside a batch without any call', async () => {
    const server = await theEmulator();
    const prefix = freshPrefix();
    const store = await openStore({ prefix });
    const taken = event('Taken');
    await store.append('subject-1', [taken], 'no_stream');
    expect(await callsDuring(server, prefix, () => store.append('subject-1', [event()], 'no_stream'))).toEqual([
      'append subject-1',
      'read subject-1',
    ]);
    // A repeat of an id this store sent there is looked for first, and not sent at all.
    expect(await callsDuring(server, prefix, () => store.append('subject-1', [{ ...taken }], 0n))).toEqual(['read subject-1']);
    const twice = event();
    expect(await callsDuring(server, prefix, () => store.append('subject-1', [twice, event(), { ...twice }], 0n))).toEqual([]);
    await refusal(store.append('subject-1', [twice, { ...twice }], 0n), 'DUPLICATE_EVENT_ID');
    expect((await collect(store.readStream('subject-1'))).map((e) => e.id)).toEqual([taken.id]);
    await store.close();
  });
});

describe.skipIf(REAL_SERVER !== undefined)('eventstoredb when the connection fails (in-process gRPC emulator)', () => {
  const fastResubscribe = { resubscribe: { firstDelayMs: 10, maxDelayMs: 50 } };

  it('an append cut off after its commit landed whole, and a retry with the same ids stores it once', async () => {
    const server = await theEmulator();
    const prefix = freshPrefix();
    const store = eventStoreDBStoreFromConnectionString(server.connectionString, { prefix });
    await store.append('subject-1', [event('Collected')], 'no_stream');
    const batch = events(3, 'Used');
    server.failNextAppendAfterCommit(`${prefix}/subject-1`);
    const cut = await refusal(store.append('subject-1', batch, 0n), 'STORE_UNAVAILABLE');
    expect(cut.details).toMatchObject({ stream: 'subject-1', message: expect.any(String) });

    const landed = await untilAvailable(() => collect(store.readStream('subject-1')));
    expect(landed.map((e) => e.id)).toEqual([landed[0]!.id, ...batch.map((e) => e.id)]);
    const retried = await untilAvailable(() => store.append('subject-1', batch, 0n));
    expect(retried).toEqual({ nextRevision: 3n, position: landed[3]!.position });
    expect((await collect(store.readStream('subject-1'))).map((e) => e.id)).toEqual(landed.map((e) => e.id));
    await store.close();
  });

  it('an append cut off before its commit landed not at all, and the retry stores it once', async () => {
    const server = await theEmulator();
    const prefix = freshPrefix();
    const store = eventStoreDBStoreFromConnectionString(server.connectionString, { prefix });
    await store.append('subject-2', [event('Collected')], 'no_stream');
    const batch = events(3, 'Used');
    server.failNextAppendBeforeCommit(`${prefix}/subject-2`);
    await refusal(store.append('subject-2', batch, 0n), 'STORE_UNAVAILABLE');

    expect((await untilAvailable(() => collect(store.readStream('subject-2')))).map((e) => e.type)).toEqual(['Collected']);
    expect((await untilAvailable(() => store.append('subject-2', batch, 0n))).nextRevision).toBe(3n);
    expect((await untilAvailable(() => store.append('subject-2', batch, 0n))).nextRevision).toBe(3n);
    expect((await collect(store.readStream('subject-2'))).map((e) => e.type)).toEqual(['Collected', 'Used', 'Used', 'Used']);
    await store.close();
  });

  it('a cut-off append that landed, repeated from the new head, is refused as DUPLICATE_EVENT_ID naming its revision', async () => {
    const server = await theEmulator();
    const prefix = freshPrefix();
    const store = eventStoreDBStoreFromConnectionString(server.connectionString, { prefix });
    const batch = events(2, 'Used');
    server.failNextAppendAfterCommit(`${prefix}/subject-5`);
    await refusal(store.append('subject-5', batch, 'no_stream'), 'STORE_UNAVAILABLE');

    const head = await untilAvailable(() => store.lastEvent('subject-5'));
    expect(head?.revision).toBe(1n);
    const repeated = await refusal(store.append('subject-5', batch, head!.revision), 'DUPLICATE_EVENT_ID');
    expect(repeated.details).toMatchObject({ id: batch[0]!.id, stream: 'subject-5', storedIn: 'subject-5', revision: 0n });
    // Sent again as it was first sent, with `any`, it is the retry it is: nothing new is written.
    expect(await store.append('subject-5', batch, 'any')).toEqual({ nextRevision: 1n, position: head!.position });
    expect((await collect(store.readStream('subject-5'))).map((e) => e.id)).toEqual(batch.map((e) => e.id));
    await store.close();
  });

  it('a subscription cut in history and again live resumes after the last event it delivered: no loss, no repeat', async () => {
    const server = await theEmulator();
    const store = await openStore(fastResubscribe);
    const start = (await store.append('marker', [event('Marker')], 'no_stream')).position;
    const history = events(5, 'History');
    const live = events(5, 'Live');
    await store.append('subject-3', history.slice(0, 2), 'no_stream');
    await store.append('subject-3', history.slice(2), 1n);

    const sub = store.subscribe({ after: start });
    const it = sub[Symbol.asyncIterator]();
    const seen: RecordedEvent[] = [];
    while (seen.length < 3) seen.push(await nextOf(it, 'subject-3'));
    server.dropConnections();
    while (seen.length < 5) seen.push(await nextOf(it, 'subject-3'));
    await untilAvailable(() => store.append('subject-3', live.slice(0, 3), 4n));
    while (seen.length < 7) seen.push(await nextOf(it, 'subject-3'));
    server.dropConnections();
    await untilAvailable(() => store.append('subject-3', live.slice(3), 7n));
    while (seen.length < 10) seen.push(await nextOf(it, 'subject-3'));

    expect(seen.map((e) => e.id)).toEqual([...history, ...live].map((e) => e.id));
    expect(seen.map((e) => e.revision)).toEqual(seen.map((_, i) => BigInt(i)));
    const pending = it.next();
    await sub.close();
    expect((await pending).done).toBe(true);
    await store.close();
  });

  it('a subscription whose server stays away gives up with STORE_UNAVAILABLE after its attempts', async () => {
    const lonely = await startEmulator();
    const store = eventStoreDBStoreFromConnectionString(lonely.connectionString, { resubscribe: { maxAttempts: 2, firstDelayMs: 10 } });
    await store.append('subject-4', [event()], 'no_stream');
    const it = store.subscribe()[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ stream: 'subject-4' });
    await lonely.stop();
    const gaveUp = await refusal(it.next(), 'STORE_UNAVAILABLE');
    expect(gaveUp.details).toMatchObject({ resubscribeAttempts: 2, message: expect.any(String) });
    await store.close();
  });
});
