import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testEventStore } from './contract.js';
import { freshSchema, postgresTestStore, postgresUnderTest, withClient } from '../helpers/postgres.js';
import { isLedgerError, type LedgerError, type LedgerErrorCode } from '../../src/domain/errors.js';
import { postgresStore } from '../../src/store/postgres.js';
import { isUnreadableData, type ProposedEvent, type RecordedEvent } from '../../src/store/port.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { sampleFacts } from '../fixtures/facts.js';
import { eventually } from '../helpers/eventually.js';

testEventStore(`postgres (${postgresUnderTest().dir ? 'a throwaway cluster' : 'the PGURL server'})`, async () => {
  const schema = freshSchema();
  return { store: postgresTestStore({ schema }), connect: () => postgresTestStore({ schema }) };
});

const event = (type = 'Tested', data: Record<string, unknown> = {}): ProposedEvent => ({ id: randomUUID(), type, data });
const collect = async (source: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
};
const refusal = async (promise: Promise<unknown>, code: LedgerErrorCode): Promise<LedgerError> => {
  const error: unknown = await promise.then(
    (v) => new Error(`expected ${code}, got ${String(v)}`),
    (e: unknown) => e,
  );
  if (!isLedgerError(error, code)) throw error;
  return error;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves true if `promise` settles within `ms`. */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([promise.then(() => true, () => true), sleep(ms).then(() => false)]);
const appendCall = (schema: string, stream: string, ids: string[]) => ({
  text: `SELECT * FROM "${schema}".append_events($1, 'any', $2, $3, $4)`,
  values: [stream, ids, ids.map(() => 'Raw'), ids.map(() => '{}')],
});

describe('postgresStore: schema', () => {
  it('creates its schema on first use, and records version 1 once however many stores open it at once', async () => {
    const schema = freshSchema();
    const stores = Array.from({ length: 4 }, () => postgresTestStore({ schema }));
    await Promise.all(stores.map((s, i) => s.append(`open-${i}`, [event()], 'no_stream')));
    const versions = await withClient((c) => c.query(`SELECT version, description, applied_at FROM "${schema}".schema_version`));
    expect(versions.rows).toEqual([{ version: 1, description: expect.stringContaining('events'), applied_at: expect.any(Date) }]);
    const again = postgresTestStore({ schema });
    expect((await collect(again.readAll())).length).toBe(4);
  });

  it('refuses a schema that a newer release migrated further, writing nothing', async () => {
    const schema = freshSchema();
    const first = postgresTestStore({ schema });
    await first.append('s', [event()], 'no_stream');
    await first.close();
    await withClient((c) => c.query(`INSERT INTO "${schema}".schema_version (version, description) VALUES (99, 'from the future')`));
    const store = postgresTestStore({ schema });
    const e = await refusal(store.append('s', [event()], 0n), 'STORE_UNAVAILABLE');
    expect(e.details).toMatchObject({ schema, schemaVersion: 99, supported: 1 });
    const count = await withClient((c) => c.query(`SELECT count(*)::int AS n FROM "${schema}".events`));
    expect(count.rows[0]).toEqual({ n: 1 });
  });

  it('refuses a schema name it would have to quote, before connecting', () => {
    for (const schema of ['Acme', 'acme"; DROP SCHEMA public; --', '1st', '', 'a'.repeat(41)]) {
      expect(() => postgresStore(postgresUnderTest().url, { schema })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });

  it('keeps credentials and settings out of its name', async () => {
    const store = postgresStore('postgres://ledger:s3cret@db.example.com:5432/acme?sslmode=require', { schema: 'acme' });
    expect(store.name).toBe('postgres://db.example.com:5432/acme (schema acme)');
    await store.close();
  });
});

describe('postgresStore: global order', () => {
  it('makes a later writer wait for a position taken but not committed, so no reader sees a later position first', async () => {
    const schema = freshSchema();
    const store = postgresTestStore({ schema });
    const reader = postgresTestStore({ schema });
    const start = (await store.append('marker', [event()], 'no_stream')).position;
    const sub = reader.subscribe({ after: start });
    const it = sub[Symbol.asyncIterator]();
    const early = new pg.Client({ connectionString: postgresUnderTest().url });
    await early.connect();
    try {
      // An open transaction that took the next position, like a writer stalled before its commit.
      await early.query('BEGIN');
      const slow = randomUUID();
      const taken = await early.query(appendCall(schema, 'slow', [slow]));
      expect(taken.rows[0]).toMatchObject({ ok: true, last_position: String(start + 1n) });
      const fast = event('Fast');
      const later = store.append('fast', [fast], 'no_stream');
      expect(await settlesWithin(later, 400)).toBe(false);
      expect(await collect(reader.readAll({ after: start }))).toEqual([]);
      await early.query('COMMIT');
      expect((await later).position).toBe(start + 2n);
      const first = await it.next();
      const second = await it.next();
      expect([first.value?.id, second.value?.id]).toEqual([slow, fast.id]);
      expect((await collect(reader.readAll({ after: start }))).map((e) => e.id)).toEqual([slow, fast.id]);
    } finally {
      await early.end();
      await sub.close();
    }
  });

  it('reuses the positions of a transaction that rolled back: no gap, nothing skipped', async () => {
    const schema = freshSchema();
    const store = postgresTestStore({ schema });
    const start = (await store.append('marker', [event()], 'no_stream')).position;
    await withClient(async (c) => {
      await c.query('BEGIN');
      await c.query(appendCall(schema, 'undone', [randomUUID(), randomUUID()]));
      await c.query('ROLLBACK');
    });
    expect((await store.append('kept', [event()], 'no_stream')).position).toBe(start + 1n);
  });
});

describe('postgresStore: live subscriptions', () => {
  const listeners = (schema: string) =>
    withClient(async (c) => (await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [`LISTEN "privacy_ledger_${schema}"`])).rows);

  it('wakes on NOTIFY from another connection, long before its next poll', async () => {
    const schema = freshSchema();
    const reader = postgresTestStore({ schema, pollIntervalMs: 60_000, listeningPollIntervalMs: 60_000 });
    const writer = postgresTestStore({ schema });
    await writer.append('warm', [event()], 'no_stream');
    const sub = reader.subscribe({ after: 1n });
    const it = sub[Symbol.asyncIterator]();
    const pending = it.next();
    await eventually(async () => ((await listeners(schema)).length > 0 ? true : undefined));
    const live = event('Live');
    await writer.append('live', [live], 'no_stream');
    expect(await settlesWithin(pending, 5000)).toBe(true);
    expect((await pending).value?.id).toBe(live.id);
    await sub.close();
  });

  it('delivers by polling alone when told not to listen', async () => {
    const schema = freshSchema();
    const reader = postgresTestStore({ schema, listen: false, pollIntervalMs: 20 });
    const writer = postgresTestStore({ schema });
    const sub = reader.subscribe();
    const it = sub[Symbol.asyncIterator]();
    const pending = it.next();
    const e = event('Polled');
    await writer.append('polled', [e], 'no_stream');
    expect((await pending).value?.id).toBe(e.id);
    expect(await listeners(schema)).toEqual([]);
    await sub.close();
  });

  it('falls back to polling when its listening connection is killed, and listens again', async () => {
    const schema = freshSchema();
    const reader = postgresTestStore({ schema, pollIntervalMs: 50, listeningPollIntervalMs: 60_000 });
    const writer = postgresTestStore({ schema });
    const sub = reader.subscribe();
    const it = sub[Symbol.asyncIterator]();
    const [listening] = await eventually(async () => {
      const rows = await listeners(schema);
      return rows.length > 0 ? rows : undefined;
    });
    await withClient((c) => c.query('SELECT pg_terminate_backend($1)', [listening!.pid]));
    const e = event('AfterKill');
    await writer.append('after-kill', [e], 'no_stream');
    expect((await it.next()).value?.id).toBe(e.id);
    const [relistening] = await eventually(async () => {
      const rows = await listeners(schema);
      return rows.length > 0 ? rows : undefined;
    });
    expect(relistening!.pid).not.toBe(listening!.pid);
    await sub.close();
  });
});

describe('postgresStore: refusals and conflicts', () => {
  it('refuses an id that is not a UUID as INVALID_INPUT, writing nothing', async () => {
    const store = postgresTestStore();
    const e = await refusal(store.append('s', [event(), { id: 'not-a-uuid', type: 'T', data: {} }], 'any'), 'INVALID_INPUT');
    expect(e.details).toMatchObject({ id: 'not-a-uuid' });
    expect(await store.lastEvent('s')).toBeUndefined();
  });

  it('keeps an upper-case id as written, and refuses its lower-case twin as DUPLICATE_EVENT_ID', async () => {
    const store = postgresTestStore();
    const upper = randomUUID().toUpperCase();
    await store.append('s', [{ id: upper, type: 'T', data: {} }], 'no_stream');
    expect((await store.lastEvent('s'))?.id).toBe(upper);
    const e = await refusal(store.append('t', [event(), { id: upper.toLowerCase(), type: 'T', data: {} }], 'any'), 'DUPLICATE_EVENT_ID');
    expect(e.details).toMatchObject({ id: upper.toLowerCase(), stream: 't' });
    expect(await store.lastEvent('t')).toBeUndefined();
  });

  it('a fact recorded under an upper-case id verifies clean and is an idempotent retry when recorded again', async () => {
    const ledger = await openLedger({ store: postgresTestStore(), signer: nodeSigner(randomSeed()) });
    const id = randomUUID().toUpperCase();
    const [first] = await ledger.record({ ...sampleFacts.DataUsed, id });
    const [again] = await ledger.record({ ...sampleFacts.DataUsed, id });
    expect(again).toMatchObject({ id: id.toLowerCase(), duplicate: true, hash: first!.hash }); // ids are kept in one form: lower case
    expect((await ledger.verify()).findings).toEqual([]);
    await ledger.close();
  });

  it('refuses data that cannot be serialised as INVALID_INPUT, writing nothing', async () => {
    const store = postgresTestStore();
    await refusal(store.append('s', [event(), event('Big', { n: 1n })], 'any'), 'INVALID_INPUT');
    expect(await store.lastEvent('s')).toBeUndefined();
  });

  it('reads past a row whose data is not JSON, handing it on as unreadable data', async () => {
    const schema = freshSchema();
    const store = postgresTestStore({ schema });
    await store.append('corrupt', [event(), event(), event()], 'no_stream');
    await withClient((c) => c.query(`UPDATE "${schema}".events SET data = '{"cut off' WHERE revision = 1`));
    const read = await collect(store.readStream('corrupt'));
    expect(read.map((e) => isUnreadableData(e.data))).toEqual([false, true, false]);
    expect(read[1]!.data).toMatchObject({ reason: expect.stringMatching(/^not JSON: /) });
  });

  it('turns a revision taken by a writer outside the allocator into WRONG_EXPECTED_REVISION with the new head', async () => {
    const schema = freshSchema();
    const store = postgresTestStore({ schema });
    await store.append('s', [event()], 'no_stream');
    const outsider = new pg.Client({ connectionString: postgresUnderTest().url });
    await outsider.connect();
    try {
      await outsider.query('BEGIN');
      await outsider.query(`INSERT INTO "${schema}".events VALUES (1000, $1, 's', 1, 'Outsider', '{}')`, [randomUUID()]);
      const mine = store.append('s', [event()], 0n);
      mine.catch(() => undefined); // handled below; it may settle before the outsider commits
      await sleep(200); // blocked on the outsider's uncommitted (s, 1)
      await outsider.query('COMMIT');
      const e = await refusal(mine, 'WRONG_EXPECTED_REVISION');
      expect(e.details).toMatchObject({ stream: 's', expected: 0n, actual: 1n });
    } finally {
      await outsider.end();
    }
    expect((await collect(store.readStream('s'))).map((e) => e.type)).toEqual(['Tested', 'Outsider']);
  });

  it('under REPEATABLE READ, a writer that lost the race gets WRONG_EXPECTED_REVISION, and record() retries it from the new head', async () => {
    const pool = new pg.Pool({ connectionString: postgresUnderTest().url, max: 6, options: '-c default_transaction_isolation=repeatable\\ read' });
    pool.on('error', () => undefined);
    const [schema, ledgerSchema] = [freshSchema(), freshSchema()];
    try {
      // Six stores on one pool: six writers (a store commits one group at a time), racing for the allocator.
      const stores = Array.from({ length: 6 }, () => postgresStore(pool, { schema }));
      await stores[0]!.append('warm', [event()], 'no_stream');
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => stores[i % 6]!.appendMany!([
        { stream: `race-${i}`, events: [event()], expected: 'no_stream' },
        { stream: 'shared', events: [event()], expected: 'any' },
      ])));
      const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(lost.length).toBeGreaterThan(0);
      expect(lost.every((r) => isLedgerError(r, 'WRONG_EXPECTED_REVISION'))).toBe(true);
      const seed = randomSeed();
      const ledgers = await Promise.all([0, 1, 2].map(() => openLedger({ store: postgresStore(pool, { schema: ledgerSchema }), signer: nodeSigner(seed) })));
      const recorded = await Promise.all(Array.from({ length: 12 }, (_, i) => ledgers[i % 3]!.record({ ...sampleFacts.DataUsed, subject: `rr-${i % 2}` })));
      expect(recorded.flat().length).toBe(12);
      expect((await ledgers[0]!.verify()).findings).toEqual([]);
      await Promise.all([...ledgers.map((l) => l.close()), ...stores.map((st) => st.close())]);
      // The pool is the caller's: closing the store left it open.
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}", "${ledgerSchema}" CASCADE`);
      await pool.end();
    }
  });

  it('gives up connecting to a server that is not there as STORE_UNAVAILABLE, within connectWaitMs', async () => {
    const store = postgresStore('postgres://nobody@127.0.0.1:1/none', { connectWaitMs: 300 });
    const started = Date.now();
    await refusal(store.append('s', [event()], 'any'), 'STORE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(10_000);
    await store.close();
  });
});

