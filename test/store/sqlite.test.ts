import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLedgerError, type LedgerError } from '../../src/domain/errors.js';
import type { EventStore, ProposedEvent, RecordedEvent } from '../../src/store/port.js';
import { isUnreadableData } from '../../src/store/port.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { testEventStore } from './contract.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'privacy-ledger-sqlite-'));
const event = (type = 'Tested', data: Record<string, unknown> = {}): ProposedEvent => ({ id: randomUUID(), type, data });

testEventStore('sqlite', async () => {
  const dir = await tempDir();
  const file = join(dir, 'events.db');
  return { store: sqliteStore(file), cleanup: () => rm(dir, { recursive: true, force: true }), connect: () => sqliteStore(file) };
});

async function collect(source: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<LedgerError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!isLedgerError(error)) throw error;
  return error;
}

describe('sqliteStore on a file', () => {
  let dir: string;
  let file: string;
  const opened: EventStore[] = [];
  const open = (options?: Parameters<typeof sqliteStore>[1]) => {
    const store = sqliteStore(file, options);
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir, 'events.db');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('is named after its file and keeps the file in WAL mode', async () => {
    const store = open();
    expect(store.name).toBe(`sqlite:${file}`);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('refuses a stale revision from a second connection on the same file, leaving no gap', async () => {
    const [a, b] = [open(), open()];
    await a.append('race', [event()], 'no_stream');
    const [seenByA, seenByB] = await Promise.all([a.lastEvent('race'), b.lastEvent('race')]);
    const outcomes = await Promise.allSettled([
      a.append('race', [event('FromA')], seenByA!.revision),
      b.append('race', [event('FromB')], seenByB!.revision),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = outcomes.find((o) => o.status === 'rejected')!.reason as unknown;
    expect(isLedgerError(lost, 'WRONG_EXPECTED_REVISION') && lost.details).toMatchObject({ stream: 'race', expected: 0n, actual: 1n });
    expect((await collect(b.readStream('race'))).map((e) => e.revision)).toEqual([0n, 1n]);
    expect((await b.append('race', [event()], 1n)).nextRevision).toBe(2n);
    expect((await collect(a.readStream('race'))).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
  });

  it('delivers to a subscription the events another connection writes', async () => {
    const [reader, writer] = [open(), open()];
    const sub = reader.subscribe();
    const it = sub[Symbol.asyncIterator]();
    const written = event('Elsewhere', { from: 'writer' });
    await writer.append('other', [written], 'no_stream');
    expect((await it.next()).value).toMatchObject({ id: written.id, stream: 'other', data: { from: 'writer' } });
    await sub.close();
  });

  it('ends an open subscription cleanly when the store closes', async () => {
    const store = open();
    await store.append('ending', [event()], 'no_stream');
    const it = store.subscribe()[Symbol.asyncIterator]();
    expect((await it.next()).value?.stream).toBe('ending');
    const pending = it.next();
    await store.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('keeps every event across a reopen', async () => {
    const first = open();
    const written = Array.from({ length: 2500 }, (_, i) => event('Kept', { i }));
    for (let i = 0; i < written.length; i += 100) await first.append('kept', written.slice(i, i + 100), 'any');
    await first.close();
    const again = open();
    const read = await collect(again.readStream('kept'));
    expect(read.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(read[2499]).toMatchObject({ revision: 2499n, position: 2500n, data: { i: 2499 } });
    expect((await collect(again.readAll({ after: 999n }))).length).toBe(1501);
    expect((await again.append('kept', [event()], 2499n)).nextRevision).toBe(2500n);
  });

  it('reads past a row whose data is not JSON, handing it on as unreadable data with the reason', async () => {
    const store = open();
    await store.append('corrupt', [event(), event(), event()], 'no_stream');
    const raw = new Database(file);
    raw.prepare('UPDATE events SET data = ? WHERE position = 2').run('{"cut off');
    raw.close();
    const read = await collect(store.readStream('corrupt'));
    expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    expect(isUnreadableData(read[1]!.data)).toBe(true);
    expect(read[1]).toMatchObject({ position: 2n, data: { reason: expect.stringMatching(/^not JSON: /) } });
    expect(isUnreadableData(read[2]!.data)).toBe(false);
    expect((await collect(store.readAll())).length).toBe(3);
    expect((await store.lastEvent('corrupt'))?.revision).toBe(2n);
  });

  it('reports a writer locked out past the busy timeout as STORE_UNAVAILABLE, writing nothing', async () => {
    const store = open({ busyTimeoutMs: 20 });
    await store.append('locked', [event()], 'no_stream');
    const holder = new Database(file);
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      const e = await rejection(store.append('locked', [event()], 0n));
      expect(e.code).toBe('STORE_UNAVAILABLE');
      expect(e.message).toContain('locked');
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
    expect((await collect(store.readStream('locked'))).length).toBe(1);
    expect((await store.append('locked', [event()], 0n)).nextRevision).toBe(1n);
  });

  it('refuses data that cannot be serialised as INVALID_INPUT, writing nothing', async () => {
    const store = open();
    const e = await rejection(store.append('bad', [event(), event('Big', { n: 1n })], 'any'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(await store.lastEvent('bad')).toBeUndefined();
  });

  it('refuses to open a file in a missing directory as STORE_UNAVAILABLE', () => {
    let thrown: unknown;
    try {
      sqliteStore(join(dir, 'no', 'such', 'events.db'));
    } catch (e) {
      thrown = e;
    }
    expect(isLedgerError(thrown, 'STORE_UNAVAILABLE')).toBe(true);
  });
});
