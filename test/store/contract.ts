/**
 * The one behaviour every EventStore adapter must have. Each adapter's test file calls
 * `testEventStore(label, factory, capabilities?)`; the factory opens a fresh store per test,
 * and the capabilities say which optional guarantees the store gives (cases that need one
 * it lacks are reported as skipped).
 *
 * Stream names are unique per test and global reads are filtered to the test's own
 * streams, so the suite also runs against a shared real server.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLedgerError, type LedgerError, type LedgerErrorCode } from '../../src/domain/errors.js';
import type { EventStore, Position, ProposedEvent, RecordedEvent } from '../../src/store/port.js';

/**
 * A fresh store per test. `connect`, where the store can be opened more than once, opens another
 * connection to the same storage (a second SQLite handle, another PostgreSQL pool).
 */
type StoreFactory = () => Promise<{ store: EventStore; cleanup?: () => Promise<void>; connect?: () => EventStore }>;

/** Guarantees a store may or may not give beyond the port's common ground. */
export interface StoreCapabilities {
  /**
   * An event id already stored in one stream is refused in every other stream (memory and
   * sqlite: yes). EventStoreDB keeps event ids unique per stream only. Default true. A repeated
   * id within one stream, or within one batch, is refused by every store regardless.
   */
  readonly uniqueIdsAcrossStreams?: boolean;
}

const event = (type = 'Tested', data: Record<string, unknown> = {}): ProposedEvent => ({ id: randomUUID(), type, data });
const events = (n: number, type = 'Tested'): ProposedEvent[] => Array.from({ length: n }, (_, i) => event(type, { i }));
const streamName = (tag: string): string => `contract-${tag}-${randomUUID()}`;

async function collect(source: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

/** Awaits a promise that must reject with a LedgerError of this code, and returns it. */
async function refusal(promise: Promise<unknown>, code: LedgerErrorCode): Promise<LedgerError> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error(`expected ${code}, but it resolved with ${String(outcome.value)}`);
  if (!isLedgerError(outcome.error, code)) throw outcome.error;
  return outcome.error;
}

/** The next event of the given streams from a subscription, skipping anyone else's. */
async function nextOf(it: AsyncIterator<RecordedEvent>, streams: readonly string[]): Promise<RecordedEvent> {
  for (;;) {
    const r = await it.next();
    if (r.done === true) throw new Error('subscription ended early');
    if (streams.includes(r.value.stream)) return r.value;
  }
}

export function testEventStore(label: string, factory: StoreFactory, capabilities: StoreCapabilities = {}): void {
  const acrossStreams = capabilities.uniqueIdsAcrossStreams ?? true;
  describe(`EventStore contract: ${label}`, () => {
    let store: EventStore;
    let cleanup: (() => Promise<void>) | undefined;
    let connect: (() => EventStore) | undefined;

    beforeEach(async () => {
      ({ store, cleanup, connect } = await factory());
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    const readStream = (s: string, o?: Parameters<EventStore['readStream']>[1]) => collect(store.readStream(s, o));
    const ours = async (after: Position, streams: readonly string[], maxCount?: number) =>
      (await collect(store.readAll({ after, maxCount }))).filter((e) => streams.includes(e.stream));
    /** A position just before the test's own events: an event in a stream of its own. */
    const marker = async () => (await store.append(streamName('marker'), [event('Marker')], 'any')).position;

    describe('append and expected revisions', () => {
      it('appends to a new stream with no_stream, then with the right revision', async () => {
        const s = streamName('append');
        const first = await store.append(s, events(2), 'no_stream');
        expect(first.nextRevision).toBe(1n);
        const second = await store.append(s, events(1), 1n);
        expect(second.nextRevision).toBe(2n);
        expect(second.position > first.position).toBe(true);
        const read = await readStream(s);
        expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
        expect(read[2]?.position).toBe(second.position);
      });

      it('refuses a stale revision, naming expected and actual, and writes nothing', async () => {
        const s = streamName('stale');
        await store.append(s, events(3), 'no_stream');
        const e = await refusal(store.append(s, events(2), 0n), 'WRONG_EXPECTED_REVISION');
        expect(e.details).toMatchObject({ stream: s, expected: 0n, actual: 2n });
        expect((await readStream(s)).length).toBe(3);
      });

      it('refuses a revision ahead of the stream, or on a missing stream', async () => {
        const s = streamName('ahead');
        const missing = await refusal(store.append(s, events(1), 0n), 'WRONG_EXPECTED_REVISION');
        expect(missing.details).toMatchObject({ stream: s, expected: 0n, actual: 'no_stream' });
        await store.append(s, events(2), 'no_stream');
        const ahead = await refusal(store.append(s, events(1), 5n), 'WRONG_EXPECTED_REVISION');
        expect(ahead.details).toMatchObject({ stream: s, expected: 5n, actual: 1n });
        expect((await readStream(s)).length).toBe(2);
      });

      it('appends with stream_exists to an existing stream, and refuses it on a missing one', async () => {
        const s = streamName('exists');
        const e = await refusal(store.append(s, events(1), 'stream_exists'), 'WRONG_EXPECTED_REVISION');
        expect(e.details).toMatchObject({ stream: s, expected: 'stream_exists', actual: 'no_stream' });
        expect(await store.lastEvent(s)).toBeUndefined();
        await store.append(s, events(1), 'no_stream');
        expect((await store.append(s, events(1), 'stream_exists')).nextRevision).toBe(1n);
      });

      it('refuses no_stream on an existing stream', async () => {
        const s = streamName('nostream');
        await store.append(s, events(2), 'no_stream');
        const e = await refusal(store.append(s, events(1), 'no_stream'), 'WRONG_EXPECTED_REVISION');
        expect(e.details).toMatchObject({ stream: s, expected: 'no_stream', actual: 1n });
        expect((await readStream(s)).length).toBe(2);
      });

      it('appends with any to a missing and to an existing stream', async () => {
        const s = streamName('any');
        expect((await store.append(s, events(1), 'any')).nextRevision).toBe(0n);
        expect((await store.append(s, events(2), 'any')).nextRevision).toBe(2n);
        expect((await readStream(s)).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });

      it('refuses an empty append as INVALID_INPUT and writes nothing', async () => {
        const s = streamName('empty');
        await refusal(store.append(s, [], 'any'), 'INVALID_INPUT');
        expect(await store.lastEvent(s)).toBeUndefined();
      });
    });

    describe('reading a stream', () => {
      it('reads a stream in revision order with ids, types and stream names', async () => {
        const s = streamName('read');
        const written = [event('A', { n: 1 }), event('B', { n: 2 }), event('C', { n: 3 })];
        await store.append(s, written.slice(0, 2), 'no_stream');
        await store.append(s, written.slice(2), 1n);
        const read = await readStream(s);
        expect(read.map((e) => [e.id, e.type, e.stream, e.revision, e.data])).toEqual(
          written.map((w, i) => [w.id, w.type, s, BigInt(i), w.data]),
        );
      });

      it('reads from a revision and up to a count, and nothing past the end', async () => {
        const s = streamName('window');
        await store.append(s, events(6), 'no_stream');
        expect((await readStream(s, { fromRevision: 2n })).map((e) => e.revision)).toEqual([2n, 3n, 4n, 5n]);
        expect((await readStream(s, { fromRevision: 1n, maxCount: 3 })).map((e) => e.revision)).toEqual([1n, 2n, 3n]);
        expect((await readStream(s, { maxCount: 2 })).map((e) => e.revision)).toEqual([0n, 1n]);
        expect(await readStream(s, { fromRevision: 6n })).toEqual([]);
      });

      it('yields nothing for a missing stream', async () => {
        expect(await readStream(streamName('missing'))).toEqual([]);
      });

      it('returns the last event of a stream, and undefined for a missing one', async () => {
        const s = streamName('last');
        const written = events(3);
        await store.append(s, written, 'no_stream');
        const last = await store.lastEvent(s);
        expect(last).toMatchObject({ id: written[2]?.id, revision: 2n, stream: s, data: { i: 2 } });
        expect(await store.lastEvent(streamName('nolast'))).toBeUndefined();
      });
    });

    describe('reading all', () => {
      it('reads all events in global order across streams, strictly after a position', async () => {
        const [a, b] = [streamName('all-a'), streamName('all-b')];
        const after = await marker();
        const a0 = await store.append(a, [event('A0')], 'no_stream');
        await store.append(b, [event('B0'), event('B1')], 'no_stream');
        await store.append(a, [event('A1')], 0n);
        const read = await ours(after, [a, b]);
        expect(read.map((e) => e.type)).toEqual(['A0', 'B0', 'B1', 'A1']);
        const fromA0 = await ours(a0.position, [a, b]);
        expect(fromA0.map((e) => e.type)).toEqual(['B0', 'B1', 'A1']);
      });

      it('gives strictly increasing positions, matching what append returned', async () => {
        const s = streamName('positions');
        const after = await marker();
        const results = [];
        for (let i = 0; i < 5; i += 1) results.push(await store.append(s, events(2), 'any'));
        const read = await ours(after, [s]);
        expect(read.every((e) => e.position > after)).toBe(true);
        for (let i = 1; i < read.length; i += 1) expect(read[i]!.position > read[i - 1]!.position).toBe(true);
        expect(read.filter((e) => e.revision % 2n === 1n).map((e) => e.position)).toEqual(results.map((r) => r.position));
      });

      it('keeps its promise of dense positions: each append, several in one call or concurrent, takes exactly the positions ending at its result', async () => {
        if (store.densePositions !== true) return; // optional: EventStoreDB positions skip
        const [a, b] = [streamName('dense-a'), streamName('dense-b')];
        const after = (await collect(store.readAll())).at(-1)?.position ?? 0n;
        const many = store.appendMany
          ? await store.appendMany([
              { stream: a, events: events(3), expected: 'no_stream' },
              { stream: b, events: events(2), expected: 'no_stream' },
              { stream: a, events: events(1), expected: 2n },
            ])
          : [];
        const single = await Promise.all([store.append(streamName('dense-c'), events(4), 'no_stream'), store.append(streamName('dense-d'), events(1), 'no_stream')]);
        const read = await collect(store.readAll({ after }));
        // Every position from the first after the marker on, with no gap, in order.
        expect(read.map((e) => e.position)).toEqual(read.map((_, i) => after + 1n + BigInt(i)));
        for (const [r, n] of [...many.map((r, i) => [r, [3, 2, 1][i]!] as const), [single[0]!, 4] as const, [single[1]!, 1] as const]) {
          const mine = read.filter((e) => e.position > r.position - BigInt(n) && e.position <= r.position);
          expect(mine.length).toBe(n);
          expect(new Set(mine.map((e) => e.stream)).size).toBe(1);
        }
      });

      it('counts, where it can, exactly the events a full read returns', async () => {
        if (!store.count) return; // optional: EventStoreDB cannot count without reading
        await store.append(streamName('count'), events(3), 'no_stream');
        expect(await store.count()).toBe((await collect(store.readAll())).length);
      });

      it('reads at most maxCount events, the first ones after the position', async () => {
        const s = streamName('allmax');
        const after = await marker();
        await store.append(s, events(4), 'no_stream');
        const all = await collect(store.readAll({ after }));
        const two = await collect(store.readAll({ after, maxCount: 2 }));
        expect(two.length).toBe(2);
        expect(two.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
      });
    });

    describe('data and event ids', () => {
      it('round-trips data as equal JSON: nested objects, arrays, unicode, numbers', async () => {
        const s = streamName('json');
        const data = {
          nested: { deeper: { list: [1, 'two', { three: [3] }], empty: {}, none: [] } },
          unicode: 'Zoë 🙂 数据 e\u0301 "quoted" \\ back\nline\t',
          numbers: [0, -7, 3.25, 0.1, 1e21, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER],
          flags: [true, false, null],
          '': 'empty key',
        };
        await store.append(s, [event('Json', data)], 'no_stream');
        expect((await store.lastEvent(s))?.data).toEqual(data);
        expect((await readStream(s))[0]?.data).toEqual(data);
      });

      it.skipIf(!acrossStreams)('refuses an event id already stored in another stream, writing nothing', async () => {
        const [a, b] = [streamName('dup-a'), streamName('dup-b')];
        const taken = event('First');
        await store.append(a, [taken], 'no_stream');
        const e = await refusal(store.append(b, [{ ...taken, type: 'Second' }], 'any'), 'DUPLICATE_EVENT_ID');
        expect(e.details).toMatchObject({ id: taken.id, stream: b });
        expect(await store.lastEvent(b)).toBeUndefined();
        expect((await readStream(a)).map((x) => x.type)).toEqual(['First']);
      });

      it.skipIf(!acrossStreams)('writes a batch all or nothing: a third id stored in another stream writes none of it', async () => {
        const [a, b] = [streamName('batch-a'), streamName('batch-b')];
        const taken = event();
        await store.append(a, [taken], 'no_stream');
        const batch = [event(), event(), { ...taken }, event()];
        const e = await refusal(store.append(b, batch, 'no_stream'), 'DUPLICATE_EVENT_ID');
        expect(e.details).toMatchObject({ id: taken.id });
        expect(await readStream(b)).toEqual([]);
        // The first two ids were not stored either: they can still be appended.
        expect((await store.append(b, batch.slice(0, 2), 'no_stream')).nextRevision).toBe(1n);
      });

      // Not here: the very batch sent again with `any`, or with the revision it was first sent
      // at. EventStoreDB answers that as the retry it usually is, with the original result.
      it('refuses a batch repeating an id already in the same stream, at its head or with any, writing none of it', async () => {
        const s = streamName('dup-same');
        const taken = event('Taken');
        await store.append(s, [taken, event('Other')], 'no_stream');
        const batch = [event(), event(), { ...taken, type: 'Again' }, event()];
        const attempts: [ProposedEvent[], 'any' | bigint][] = [
          [batch, 1n],
          [[{ ...taken }], 1n],
          [[batch[0]!, { ...taken }], 'any'],
        ];
        for (const [proposed, expected] of attempts) {
          const e = await refusal(store.append(s, proposed, expected), 'DUPLICATE_EVENT_ID');
          expect(e.details).toMatchObject({ id: taken.id, stream: s });
        }
        expect((await readStream(s)).map((x) => x.type)).toEqual(['Taken', 'Other']);
        // The ids before the repeated one were not stored either: they can still be appended.
        expect((await store.append(s, batch.slice(0, 2), 1n)).nextRevision).toBe(3n);
      });

      it('refuses a batch that repeats an id within itself', async () => {
        const s = streamName('dup-self');
        const once = event();
        const e = await refusal(store.append(s, [once, event(), { ...once }], 'any'), 'DUPLICATE_EVENT_ID');
        expect(e.details).toMatchObject({ id: once.id, stream: s });
        expect(await store.lastEvent(s)).toBeUndefined();
      });
    });

    describe('concurrency', () => {
      it('lets racing appends to one stream form a gapless sequence; the losers get WRONG_EXPECTED_REVISION', async () => {
        const s = streamName('race');
        await store.append(s, [event()], 'no_stream');
        const attempt = async () => {
          const seen = (await store.lastEvent(s))!.revision;
          const { nextRevision } = await store.append(s, [event('Raced')], seen);
          return { seen, nextRevision };
        };
        const outcomes = await Promise.allSettled(Array.from({ length: 20 }, attempt));
        const winners = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        // A winner lands right after the revision it saw, never further on.
        expect(winners.every((w) => w.nextRevision === w.seen + 1n)).toBe(true);
        const won = winners.map((w) => w.nextRevision);
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won.length).toBeGreaterThanOrEqual(1);
        expect(lost.every((r) => isLedgerError(r, 'WRONG_EXPECTED_REVISION'))).toBe(true);
        expect(won.length + lost.length).toBe(20);
        expect([...won].sort((x, y) => (x < y ? -1 : 1))).toEqual(won.map((_, i) => BigInt(i + 1)));
        const read = await readStream(s);
        expect(read.map((e) => e.revision)).toEqual(read.map((_, i) => BigInt(i)));
        expect(read.length).toBe(won.length + 1);
      });

      it('lets concurrent appends to different streams all succeed', async () => {
        const streams = Array.from({ length: 20 }, () => streamName('parallel'));
        const results = await Promise.all(streams.map((s) => store.append(s, events(2), 'no_stream')));
        expect(results.map((r) => r.nextRevision)).toEqual(streams.map(() => 1n));
        expect(new Set(results.map((r) => r.position)).size).toBe(20);
        for (const s of streams) expect((await readStream(s)).map((e) => e.revision)).toEqual([0n, 1n]);
      });
    });

    describe('subscriptions', () => {
      // Positions handed out before their transaction commits (a sequence) commit out of order: a
      // reader that has passed a position would skip, for good, an event that commits below it late.
      it('sees every event of concurrent writers on several connections exactly once, in the order readAll gives', async () => {
        const writers = [store, ...Array.from({ length: 3 }, () => connect?.() ?? store)];
        const streams = Array.from({ length: 5 }, () => streamName('order'));
        const after = await marker();
        const sub = store.subscribe({ after });
        const rounds = 12;
        const total = writers.length * rounds * 2; // one or three events an append, alternately
        const seen: RecordedEvent[] = [];
        const watching = (async () => {
          for await (const e of sub) if (streams.includes(e.stream) && seen.push(e) === total) return;
        })();
        try {
          await Promise.all(
            writers.map(async (w, k) => {
              for (let i = 0; i < rounds; i += 1) await w.append(streams[(k + i) % streams.length]!, events(i % 2 === 0 ? 1 : 3), 'any');
            }),
          );
          await watching;
          const read = await ours(after, streams);
          expect(read.length).toBe(total);
          expect(new Set(seen.map((e) => e.id)).size).toBe(total);
          expect(seen.map((e) => [e.id, e.position])).toEqual(read.map((e) => [e.id, e.position]));
          for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.position > seen[i - 1]!.position).toBe(true);
        } finally {
          await sub.close();
          await Promise.all(writers.filter((w) => w !== store).map((w) => w.close()));
        }
      });

      it('delivers history strictly after the position, then live events, until closed', async () => {
        const s = streamName('sub');
        const history = [event('H0'), event('H1'), event('H2')];
        const h0 = await store.append(s, history.slice(0, 1), 'no_stream');
        await store.append(s, history.slice(1), 0n);
        const sub = store.subscribe({ after: h0.position });
        const it = sub[Symbol.asyncIterator]();
        expect((await nextOf(it, [s])).id).toBe(history[1]?.id);
        expect((await nextOf(it, [s])).id).toBe(history[2]?.id);
        const live = event('Live');
        const appended = await store.append(s, [live], 2n);
        const got = await nextOf(it, [s]);
        expect(got).toMatchObject({ id: live.id, revision: 3n, position: appended.position, type: 'Live' });
        const pending = it.next();
        await sub.close();
        expect((await pending).done).toBe(true);
      });

      it('ends a for-await loop when closed, and delivers nothing at or before its position', async () => {
        const s = streamName('sub-loop');
        const first = await store.append(s, events(2), 'no_stream');
        const sub = store.subscribe({ after: first.position });
        const seen: RecordedEvent[] = [];
        const loop = (async () => {
          for await (const e of sub) if (e.stream === s) seen.push(e);
        })();
        await store.append(s, [event('After')], 1n);
        while (seen.length === 0) await new Promise((r) => setTimeout(r, 10));
        await sub.close();
        await loop;
        expect(seen.map((e) => [e.type, e.revision])).toEqual([['After', 2n]]);
      });
    });

    describe('close', () => {
      it('rejects every use after close with CLOSED, and closing twice is harmless', async () => {
        const s = streamName('closed');
        await store.append(s, events(1), 'no_stream');
        await store.close();
        await store.close();
        await refusal(store.append(s, events(1), 'any'), 'CLOSED');
        await refusal(readStream(s), 'CLOSED');
        await refusal(store.lastEvent(s), 'CLOSED');
        await refusal(collect(store.readAll()), 'CLOSED');
        await refusal(collect(store.subscribe()), 'CLOSED');
      });
    });
  });
}
