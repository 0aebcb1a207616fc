import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore, RecordedEvent } from '../../src/store/port.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { postgresTestStore } from '../helpers/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-many-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const event = (n: number) => ({ id: randomUUID(), type: 'Thing', data: { n } });
const all = async (store: EventStore) => {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
};

// appendMany is optional in the port; the stores that can span streams in one transaction offer it.
describe.each([
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore(join(dir, `${randomUUID()}.db`))],
  ['postgres', () => postgresTestStore()],
] as const)('appendMany on %s', (_name, make) => {
  it('writes several streams in one call, in the order given, a stream appearing more than once', async () => {
    const store = make();
    const results = await store.appendMany!([
      { stream: 'a', events: [event(1)], expected: 'no_stream' },
      { stream: 'b', events: [event(2), event(3)], expected: 'no_stream' },
      { stream: 'a', events: [event(4)], expected: 0n },
    ]);
    expect(results.map((r) => r.nextRevision)).toEqual([0n, 1n, 0n + 1n]);
    const events = await all(store);
    expect(events.map((e) => [e.stream, e.revision, (e.data as { n: number }).n])).toEqual([
      ['a', 0n, 1],
      ['b', 0n, 2],
      ['b', 1n, 3],
      ['a', 1n, 4],
    ]);
    await store.close();
  });

  it('writes none of it when one append is stale, naming that stream', async () => {
    const store = make();
    await store.append('a', [event(0)], 'no_stream');
    const err = await store
      .appendMany!([
        { stream: 'b', events: [event(1)], expected: 'no_stream' },
        { stream: 'a', events: [event(2)], expected: 'no_stream' },
      ])
      .catch((e: unknown) => e);
    expect(isLedgerError(err, 'WRONG_EXPECTED_REVISION') && err.details).toMatchObject({ stream: 'a', actual: 0n });
    expect((await all(store)).map((e) => e.stream)).toEqual(['a']);
    await store.close();
  });

  it('appends arriving together commit together, and a refused one does not take the others with it', async () => {
    const store = make();
    await store.append('a', [event(0)], 'no_stream');
    const outcomes = await Promise.allSettled([
      store.append('b', [event(1)], 'no_stream'),
      store.append('a', [event(2)], 'no_stream'), // stale: a exists
      store.appendMany!([{ stream: 'c', events: [event(3)], expected: 'no_stream' }, { stream: 'b', events: [event(4)], expected: 0n }]),
      store.append('a', [event(5)], 0n),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(isLedgerError((outcomes[1] as PromiseRejectedResult).reason, 'WRONG_EXPECTED_REVISION')).toBe(true);
    expect((await all(store)).map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 3, 4, 5]);
    await store.close();
  });

  it('writes none of it when an id repeats across its appends or is already stored', async () => {
    const store = make();
    const taken = event(0);
    await store.append('a', [taken], 'no_stream');
    const twice = event(1);
    const repeated = await store.appendMany!([
      { stream: 'b', events: [twice], expected: 'any' },
      { stream: 'c', events: [twice], expected: 'any' },
    ]).catch((e: unknown) => e);
    expect(isLedgerError(repeated, 'DUPLICATE_EVENT_ID')).toBe(true);
    const stored = await store.appendMany!([
      { stream: 'b', events: [event(2)], expected: 'any' },
      { stream: 'c', events: [{ ...taken }], expected: 'any' },
    ]).catch((e: unknown) => e);
    expect(isLedgerError(stored, 'DUPLICATE_EVENT_ID') && stored.details).toMatchObject({ id: taken.id });
    expect((await all(store)).length).toBe(1);
    await store.close();
  });
});
