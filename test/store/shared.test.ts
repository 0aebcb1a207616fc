import { describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import type { RecordedEvent, StreamAppend } from '../../src/store/port.js';
import { checkBatch, checkExpected, paged, pollingSubscription } from '../../src/store/shared.js';

const at = (position: bigint): RecordedEvent => ({ id: `e${position}`, type: 'T', stream: 's', revision: position - 1n, position, data: {} });
const thrown = (f: () => void): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('checkBatch', () => {
  const one = (id: string, stream = 's'): StreamAppend => ({ stream, events: [{ id, type: 'T', data: {} }], expected: 'any' });

  it('refuses an empty append and a negative expected revision as INVALID_INPUT', () => {
    expect(isLedgerError(thrown(() => checkBatch([one('a'), { stream: 'b', events: [], expected: 'any' }])), 'INVALID_INPUT')).toBe(true);
    const negative = thrown(() => checkBatch([{ ...one('a'), expected: -1n }]));
    expect(isLedgerError(negative, 'INVALID_INPUT') && negative.details).toMatchObject({ stream: 's', expected: -1n });
  });

  it('refuses an id repeated across the appends of one call, as the store compares ids', () => {
    const twice = thrown(() => checkBatch([one('a', 's'), one('a', 't')]));
    expect(isLedgerError(twice, 'DUPLICATE_EVENT_ID') && twice.details).toMatchObject({ id: 'a', stream: 't' });
    expect(thrown(() => checkBatch([one('A'), one('a', 't')]))).toBeUndefined();
    expect(isLedgerError(thrown(() => checkBatch([one('A'), one('a', 't')], (id) => id.toLowerCase())), 'DUPLICATE_EVENT_ID')).toBe(true);
  });
});

describe('checkExpected', () => {
  it.each([
    ['any', undefined, true],
    ['any', 3n, true],
    ['no_stream', undefined, true],
    ['no_stream', 0n, false],
    ['stream_exists', undefined, false],
    ['stream_exists', 0n, true],
    [2n, 2n, true],
    [2n, 3n, false],
    [0n, undefined, false],
  ] as const)('expected %s at head %s: %s', (expected, head, ok) => {
    const e = thrown(() => checkExpected('s', expected, head));
    if (ok) expect(e).toBeUndefined();
    else expect(isLedgerError(e, 'WRONG_EXPECTED_REVISION') && e.details).toEqual({ stream: 's', expected, actual: head ?? 'no_stream' });
  });
});

describe('paged', () => {
  const store = Array.from({ length: 25 }, (_, i) => at(BigInt(i + 1)));
  const reads: number[] = [];
  const fetch = (after: bigint, limit: number) => (reads.push(limit), store.filter((e) => e.position > after).slice(0, limit));
  const all = async (source: AsyncIterable<RecordedEvent>) => {
    const out: bigint[] = [];
    for await (const e of source) out.push(e.position);
    return out;
  };

  it('reads a page at a time, up to maxCount, and stops at a short page', async () => {
    reads.length = 0;
    expect(await all(paged({ start: 0n, maxCount: undefined, fetch, cursorAfter: (e) => e.position, pageSize: 10 }))).toHaveLength(25);
    expect(reads).toEqual([10, 10, 10]);
    reads.length = 0;
    expect(await all(paged({ start: 3n, maxCount: 12, fetch, cursorAfter: (e) => e.position, pageSize: 10 }))).toEqual(store.slice(3, 15).map((e) => e.position));
    expect(reads).toEqual([10, 2]);
  });
});

describe('pollingSubscription', () => {
  it('does not sleep through a wake() that came while it was fetching', async () => {
    const events: RecordedEvent[] = [];
    let fetches = 0;
    const sub = pollingSubscription({
      after: 0n,
      intervalMs: () => 60_000,
      fetchAfter: async (after) => {
        fetches += 1;
        const found = events.filter((e) => e.position > after);
        // The event commits, and its notification arrives, after this fetch looked.
        if (fetches === 1) {
          events.push(at(1n));
          sub.wake();
        }
        return found;
      },
    });
    const it = sub.subscription[Symbol.asyncIterator]();
    const next = await Promise.race([it.next(), sleep(2000).then(() => 'slept' as const)]);
    expect(next).toEqual({ done: false, value: at(1n) });
    await sub.subscription.close();
  });

  it('ends a pending next() when closed, and tells its store once', async () => {
    let ended = 0;
    const sub = pollingSubscription({ after: 0n, intervalMs: () => 60_000, fetchAfter: () => [], onEnd: () => (ended += 1) });
    const it = sub.subscription[Symbol.asyncIterator]();
    const pending = it.next();
    await sleep(10);
    await sub.subscription.close();
    sub.end();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(ended).toBe(1);
  });

  it('fails the subscription with the error its fetch raised', async () => {
    const sub = pollingSubscription({ after: 0n, intervalMs: () => 10, fetchAfter: () => Promise.reject(new Error('gone')) });
    await expect(sub.subscription[Symbol.asyncIterator]().next()).rejects.toThrow('gone');
  });
});
