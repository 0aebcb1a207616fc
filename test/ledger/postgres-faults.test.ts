/**
 * Faults against the real PostgreSQL server: a backend killed mid-append, a connection cut on
 * either side of the commit, the server restarted under writers and a subscription. Each time the
 * ledger retries with the same ids; afterwards every acknowledged fact is there exactly once and
 * the chains verify.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { FactInput } from '../../src/domain/facts.js';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import type { EventStore, RecordedEvent } from '../../src/store/port.js';
import { postgresStore } from '../../src/store/postgres.js';
import { sampleFacts } from '../fixtures/facts.js';
import { canRestart, freshSchema, postgresTestStore, postgresUnderTest, withClient } from '../helpers/postgres.js';
import { tcpProxy, type Cut } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/eventually.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const use = (subject: string, i: number): FactInput => ({ ...sampleFacts.DataUsed, subject, at: `2026-03-01T10:00:${String(i % 60).padStart(2, '0')}Z` });

/** Every fact event of the ledger, and whether any id appears twice. */
async function facts(ledger: Ledger): Promise<{ ids: string[]; twice: string[] }> {
  const ids: string[] = [];
  for await (const e of ledger.readAll() as AsyncIterable<RecordedEvent>) if (e.stream.startsWith('subject-')) ids.push(e.id);
  return { ids, twice: ids.filter((id, i) => ids.indexOf(id) !== i) };
}


describe('a ledger on PostgreSQL under faults', () => {
  it('a backend killed with pg_terminate_backend mid-append: record() retries with the same ids and records them once', async () => {
    const schema = freshSchema();
    const ledger = await openLedger({ store: postgresTestStore({ schema }), signer: nodeSigner(randomSeed()) });
    await ledger.record(use('u-1', 0));
    const holder = new pg.Client({ connectionString: postgresUnderTest().url });
    await holder.connect();
    let recording: Promise<unknown> | undefined;
    try {
      // Hold the position allocator, so the append waits inside the server where it can be killed.
      await holder.query('BEGIN');
      await holder.query(`SELECT last FROM "${schema}".positions FOR UPDATE`);
      recording = ledger.record([use('u-1', 1), use('u-1', 2), use('u-2', 3)]);
      // The backend that waits for the allocator: the append, killed while the server holds it. Asked
      // from another connection: inside the holder's transaction, pg_stat_activity would stand still.
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const killer = new pg.Client({ connectionString: postgresUnderTest().url });
      await killer.connect();
      try {
        const waiting = await eventually(async () => {
          const r = await killer.query<{ pid: number; query: string }>('SELECT pid, query FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [holderPid]);
          return r.rows[0];
        });
        expect(waiting.query).toContain('append_events');
        expect((await killer.query('SELECT pg_terminate_backend($1) AS killed', [waiting.pid])).rows).toEqual([{ killed: true }]);
      } finally {
        await killer.end();
      }
      await sleep(100);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const recorded = (await recording) as { id: string }[];
    const { ids, twice } = await facts(ledger);
    expect(twice).toEqual([]);
    expect(ids.length).toBe(4);
    for (const r of recorded) expect(ids).toContain(r.id);
    expect((await ledger.verify()).findings).toEqual([]);
    await ledger.close();
  });

  it.each<[Cut, string]>([
    ['before-request', 'before the append reached the server'],
    ['after-answer', 'after the server committed, before its answer arrived'],
  ])('the connection cut %s: record() retries and the fact is there once (%s)', async (cut) => {
    const proxy = await tcpProxy(postgresUnderTest().url);
    const schema = freshSchema();
    try {
      // One connection, already open: the cut hits the append itself, not a login.
      const store = postgresStore(proxy.url, { schema, poolSize: 1 });
      const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
      await ledger.record(use('u-1', 0));
      proxy.arm(cut);
      const [r] = await ledger.record(use('u-1', 1));
      expect(proxy.cuts()).toBe(1);
      expect(r).toMatchObject({ stream: 'subject-u-1', revision: 1 });
      const { ids, twice } = await facts(ledger);
      expect(twice).toEqual([]);
      expect(ids.length).toBe(2);
      expect(ids).toContain(r!.id);
      expect((await ledger.verify()).findings).toEqual([]);
      await ledger.close();
    } finally {
      await proxy.close();
      await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    }
  });

  const restart = (mode: 'fast' | 'immediate'): Promise<void> =>
    new Promise((resolve, reject) => {
      const { dir, script } = postgresUnderTest();
      const child = spawn('bash', [script, 'restart', dir!, mode], { stdio: 'ignore' });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`restart exited ${code}`))));
    });

  it.skipIf(!canRestart()).each(['fast', 'immediate'] as const)(
    'the server restarted (%s) under four writers: everything acknowledged is there once, the chains verify (throwaway cluster only)',
    async (mode) => {
      const schema = freshSchema();
      const store = postgresTestStore({ schema });
      // Counts the appends the restart broke: the ones record() had to retry.
      let broken = 0;
      const appendMany = store.appendMany!;
      const counting: EventStore = { ...store, appendMany: (appends) => appendMany(appends).catch((e: unknown) => ((broken += 1), Promise.reject(e))) };
      const ledger = await openLedger({ store: counting, signer: nodeSigner(randomSeed()) });
      const acknowledged: string[] = [];
      let restarted = false;
      const writer = async (w: number) => {
        for (let i = 0; i < 30 || !restarted; i += 1) {
          const batch = [use(`u-${w}`, i), use(`u-${w}`, i + 1), use(`v-${i % 5}`, i)];
          for (const r of await ledger.record(batch)) acknowledged.push(r.id);
        }
      };
      const writing = Promise.all([0, 1, 2, 3].map(writer));
      await eventually(async () => (acknowledged.length >= 30 ? true : undefined));
      // Holds the allocator until the restart, so that an append is inside the server when it goes down.
      const holder = new pg.Client({ connectionString: postgresUnderTest().url });
      holder.on('error', () => undefined);
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query(`SELECT last FROM "${schema}".positions FOR UPDATE`);
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await withClient((c) =>
        eventually(async () => ((await c.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [holderPid])).rowCount! > 0 ? true : undefined)),
      );
      await restart(mode);
      restarted = true;
      await holder.end().catch(() => undefined);
      await writing;
      expect(broken).toBeGreaterThan(0);
      const { ids, twice } = await facts(ledger);
      expect(twice).toEqual([]);
      expect(new Set(acknowledged).size).toBe(acknowledged.length);
      expect([...ids].sort()).toEqual([...acknowledged].sort());
      expect((await ledger.verify()).findings).toEqual([]);
      await ledger.close();
    },
    60_000,
  );

  it.skipIf(!canRestart())('a subscription rides out a restart: every event once, in order (throwaway cluster only)', async () => {
    const schema = freshSchema();
    const store = postgresTestStore({ schema, pollIntervalMs: 50 });
    const sub = store.subscribe();
    const seen: RecordedEvent[] = [];
    const watching = (async () => {
      for await (const e of sub) if (seen.push(e) === 20) return;
    })();
    const write = async (from: number) => {
      for (let i = from; i < from + 10; i += 1) await store.append('s', [{ id: crypto.randomUUID(), type: 'T', data: { i } }], 'any');
    };
    await write(0);
    await eventually(async () => (seen.length === 10 ? true : undefined));
    await restart('fast');
    await write(10);
    await watching;
    expect(seen.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await sub.close();
  }, 60_000);
});
