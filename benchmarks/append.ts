/**
 * Append and verify throughput on the embedded store (or an EventStoreDB a user points it at).
 *   npm run bench:append [-- --events 100000 --subjects 1000 --batch 100 --ledger esdb://...|postgres://...] [--only encryption]
 * With a postgres:// ledger, each measurement runs on SQLite and then on PostgreSQL (a fresh schema
 * each, dropped afterwards), so the two figures and their ratio come from the same run.
 * 100,000 facts across 1,000 subjects in batches of 100 (one subject's facts a batch), durable
 * (synchronous=FULL): a raw insert of the same rows without sealing as the ceiling, then per-event
 * and per-batch signing through the Ledger, then a full verify replay of the per-event ledger; then
 * sealing (a key store: pseudonymous streams, AES-256-GCM per subject) against the same run
 * without, per-event and per-batch, interleaved.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { FactInput } from '../src/domain/facts.js';
import { openLedger } from '../src/ledger/ledger.js';
import type { SigningMode } from '../src/seal/envelope.js';
import { nodeSigner, nodeVerifier, randomSeed } from '../src/seal/signers.js';
import { randomBytes } from 'node:crypto';
import { isEventStoreDBSpec, isPostgresSpec, openStore } from '../src/store/open.js';
import { redactLedgerSpec } from '../src/store/redact.js';
import { sqliteStore } from '../src/store/sqlite.js';
import { sqliteKeyStore } from '../src/store/sqlite-key-store.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    subjects: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    inflight: { type: 'string', default: '8' },
    ledger: { type: 'string' },
    only: { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const SUBJECTS = Number(values.subjects);
const BATCH = Number(values.batch);
const IN_FLIGHT = Number(values.inflight);
const esdb = values.ledger !== undefined && isEventStoreDBSpec(values.ledger);
const postgres = values.ledger !== undefined && isPostgresSpec(values.ledger);
type Target = 'sqlite' | 'esdb' | 'postgres';
const targets: readonly Target[] = esdb ? ['esdb'] : postgres ? ['sqlite', 'postgres'] : ['sqlite'];
const benchSchemas: string[] = [];
/** Which store a line measures, where a run measures two. */
const label = (target: Target): string => (targets.length > 1 ? target.padEnd(9) : '     ');

const CATEGORIES = ['user.contact.email', 'user.contact.phone', 'user.behavior.browsing_history', 'user.device.ip_address', 'user.financial.bank_account'];
const PURPOSES = ['provide-service', 'personalization', 'service-optimization'];

/** The i-th fact of a subject: mostly uses, some collections, consents, disclosures, notices. */
const factFor = (subject: string, i: number, t0: number): FactInput => {
  const at = new Date(t0 + i * 1000).toISOString();
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const purpose = PURPOSES[i % PURPOSES.length]!;
  if (i % 20 === 0) return { type: 'DataCollected', at, subject, categories: [category, 'user.contact'], source: 'proactive-submission', purposes: PURPOSES, policyVersion: 'seed-1', actor: 'signup-service' };
  if (i % 20 === 7) return { type: 'ConsentGranted', at, subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'web-form', recipients: ['acme-analytics'] };
  if (i % 20 === 13) return { type: 'DataDisclosed', at, subject, categories: [category], recipient: 'tax-office', reason: 'legal-obligation', actor: 'billing-service' };
  return { type: 'DataUsed', at, subject, categories: [category], purpose, actor: `service-${i % 7}` };
};

/** Batches of BATCH facts, each for one subject, subjects taken round-robin. */
const batches = (): FactInput[][] => {
  const perSubject = Math.ceil(EVENTS / SUBJECTS);
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const out: FactInput[][] = [];
  for (let start = 0; start < perSubject; start += BATCH) {
    for (let s = 0; s < SUBJECTS; s++) {
      const subject = `u-${s.toString(36).padStart(4, '0')}`;
      const n = Math.min(BATCH, perSubject - start);
      out.push(Array.from({ length: n }, (_, k) => factFor(subject, start + k, t0)));
    }
  }
  return out;
};

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * The ceiling: the same rows, unsealed, into a table of the same shape, with the same
 * statements the SQLite store uses (25 rows an INSERT), one durable transaction a batch.
 */
const rawInsert = (work: FactInput[][], path: string): number => {
  const CHUNK = 25;
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (stream, revision))');
  const one = db.prepare('INSERT INTO events (id, stream, revision, type, data) VALUES (?, ?, ?, ?, ?)');
  const chunk = db.prepare('INSERT INTO events (id, stream, revision, type, data) VALUES ' + Array(CHUNK).fill('(?, ?, ?, ?, ?)').join(', '));
  const revisions = new Map<string, number>();
  const row = (f: FactInput) => {
    const stream = `subject-${(f as { subject: string }).subject}`;
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    return [uuidv7(), stream, revision, f.type, JSON.stringify(f)];
  };
  const tx = db.transaction((facts: FactInput[]) => {
    let i = 0;
    for (; i + CHUNK <= facts.length; i += CHUNK) chunk.run(facts.slice(i, i + CHUNK).flatMap(row));
    for (; i < facts.length; i++) one.run(row(facts[i]!));
  });
  const t = performance.now();
  for (const b of work) tx(b);
  const ms = performance.now() - t;
  db.close();
  return ms;
};

/** Records every batch through a Ledger, IN_FLIGHT batches at a time (signing runs on the thread pool meanwhile). */
const sealedAppend = async (work: FactInput[][], target: Target, sqlitePath: string, signing: SigningMode, checkpointEvery?: number, keys?: string) => {
  const fresh = `bench_${signing.replace('-', '_')}_${Date.now().toString(36)}`;
  if (target === 'postgres') benchSchemas.push(fresh);
  const store =
    target === 'esdb' ? await openStore(values.ledger!, { prefix: `bench-${signing}-${Date.now()}` })
    : target === 'postgres' ? await openStore(values.ledger!, { schema: fresh })
    : sqliteStore(sqlitePath, { synchronous: 'FULL' });
  // An append-only writer: the cost of returning each verdict is measured by bench:verdicts.
  const ledger = await openLedger({
    store, signer: nodeSigner(randomSeed()), signing, verdicts: false,
    ...(checkpointEvery === undefined ? {} : { autoCheckpoint: { everyEvents: checkpointEvery } }),
    ...(keys === undefined ? {} : { keyStore: sqliteKeyStore(keys) }),
  });
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < work.length) await ledger.record(work[next++]!);
    }),
  );
  const ms = performance.now() - t;
  return { ms, ledger };
};

/**
 * The Ed25519 ceilings on this machine: node:crypto signing and verifying alone, batches of 100
 * on the worker threads, 8 in flight — what per-event signing and verify replay can at best reach.
 */
const ed25519Ceilings = async () => {
  const signer = nodeSigner(randomSeed());
  const batches: Uint8Array[][] = Array.from({ length: 200 }, () => Array.from({ length: 100 }, () => Uint8Array.from(randomBytes(32))));
  const run = async (work: (i: number) => Promise<unknown>, count: number) => {
    let next = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => { while (next < count) await work(next++); }));
    return rate(count * 100, performance.now() - t);
  };
  await signer.signMany(batches[0]!);
  const sign = await run((i) => signer.signMany(batches[i]!), batches.length);
  const sigs = await Promise.all(batches.map((b) => signer.signMany(b)));
  const items = batches.map((b, i) => b.map((m, k) => [m, sigs[i]![k]!, signer.publicKey] as const));
  const verify = await run((i) => nodeVerifier.verifyMany(items[i]!), 100);
  return { sign, verify };
};

/** The server's durability settings, which bound a commit: stated beside its figures. */
const postgresSettings = async (): Promise<string> => {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: values.ledger });
  await client.connect();
  try {
    const show = async (name: string) => (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name];
    return `PostgreSQL ${await show('server_version')}, synchronous_commit=${await show('synchronous_commit')}, fsync=${await show('fsync')}, wal_sync_method=${await show('wal_sync_method')}`;
  } finally {
    await client.end();
  }
};

const dropBenchSchemas = async (): Promise<void> => {
  if (benchSchemas.length === 0) return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: values.ledger });
  await client.connect();
  for (const s of benchSchemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
};

const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);

/** Sealing on (a SQLite key store beside the ledger) against off, per signing mode, interleaved twice so drift hits both alike. */
const encryptionCost = async (work: FactInput[][], dir: string, total: number): Promise<void> => {
  for (const mode of ['per-event', 'per-batch'] as const) {
    const runs: Record<'off' | 'on', number[]> = { off: [], on: [] };
    for (let round = 0; round < 2; round++) {
      for (const variant of ['off', 'on'] as const) {
        const path = join(dir, `enc-${mode}-${variant}-${round}.db`);
        const { ms, ledger } = await sealedAppend(work, targets[0]!, path, mode, undefined, variant === 'on' ? `${path}.keys` : undefined);
        runs[variant].push(rate(total, ms));
        await ledger.close();
      }
    }
    const [off, on] = [mean(runs.off), mean(runs.on)];
    console.log(`${mode}, sealed (key store)     ${fmt(on).padStart(8)} events/s  ${(on / off).toFixed(3)}x the same run without (${fmt(off)}/s; runs ${runs.on.map(fmt).join(', ')} vs ${runs.off.map(fmt).join(', ')})`);
  }
  console.log('target: sealing >= 0.85x the same run without');
};

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-bench-'));
  const work = batches();
  const total = work.reduce((n, b) => n + b.length, 0);
  const where = esdb ? redactLedgerSpec(values.ledger!) : postgres ? `SQLite WAL synchronous=FULL, then ${await postgresSettings()}` : 'SQLite WAL synchronous=FULL';
  console.log(`append benchmark: ${fmt(total)} facts, ${fmt(SUBJECTS)} subjects, batches of ${BATCH}, ${IN_FLIGHT} batches in flight, ${where}`);
  console.log(`machine: ${process.version}, ${(await import('node:os')).cpus().length} cores, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`);
  try {
    if (values.only === 'encryption') return await encryptionCost(work, dir, total);
    const ceiling = await ed25519Ceilings();
    console.log(`Ed25519 alone, both cores (ceiling)  sign ${fmt(ceiling.sign)}/s, verify ${fmt(ceiling.verify)}/s`);
    const rawMs = esdb ? undefined : rawInsert(work, join(dir, 'raw.db'));
    const raw = rawMs === undefined ? undefined : rate(total, rawMs);
    if (raw) console.log(`raw insert, unsealed (ceiling)   ${fmt(raw).padStart(8)} events/s`);
    const perEvent = new Map<Target, Awaited<ReturnType<typeof sealedAppend>>['ledger']>();
    for (const mode of ['per-event', 'per-batch'] as const) {
      const sqliteRate: number[] = [];
      for (const target of targets) {
        const { ms, ledger } = await sealedAppend(work, target, join(dir, `${mode}.db`), mode);
        const r = rate(total, ms);
        if (target === 'sqlite') sqliteRate.push(r);
        const ratio =
          (raw ? `  ${(r / raw).toFixed(2)}x raw` : '') +
          (mode === 'per-event' ? `  ${(r / ceiling.sign).toFixed(2)}x sign ceiling` : '') +
          (target === 'postgres' ? `  ${(r / sqliteRate[0]!).toFixed(2)}x SQLite` : '');
        console.log(`sealed + signed, ${mode.padEnd(9)} ${label(target)}${fmt(r).padStart(8)} events/s${ratio}`);
        if (mode === 'per-event') perEvent.set(target, ledger);
        else await ledger.close();
      }
    }
    let sqliteVerify: number | undefined;
    for (const [target, ledger] of perEvent) {
      const t = performance.now();
      const verified = await ledger.verify();
      const verifyRate = rate(verified.checked, performance.now() - t);
      if (target === 'sqlite') sqliteVerify = verifyRate;
      const vsSqlite = target === 'postgres' && sqliteVerify ? `  ${(verifyRate / sqliteVerify).toFixed(2)}x SQLite` : '';
      console.log(`verify replay, per-event sigs ${label(target)}${fmt(verifyRate).padStart(8)} events/s  ${(verifyRate / ceiling.verify).toFixed(2)}x verify ceiling${vsSqlite}  (${fmt(verified.checked)} events, ${verified.findings.length} findings)`);
      await ledger.close();
    }
    // Automatic checkpoints every 1,000 events against the same run without, interleaved twice so drift hits both alike.
    const cpRuns: Record<'without' | 'with', number[]> = { without: [], with: [] };
    for (let round = 0; round < 2; round++) {
      for (const variant of ['without', 'with'] as const) {
        const { ms, ledger } = await sealedAppend(work, targets[0]!, join(dir, `cp-${variant}-${round}.db`), 'per-event', variant === 'with' ? 1_000 : undefined);
        cpRuns[variant].push(rate(total, ms));
        await ledger.close();
      }
    }
    const [without, withCp] = [mean(cpRuns.without), mean(cpRuns.with)];
    console.log(`per-event, checkpoint every 1,000 ${fmt(withCp).padStart(8)} events/s  ${(withCp / without).toFixed(3)}x the same run without (${fmt(without)}/s; runs ${cpRuns.with.map(fmt).join(', ')} vs ${cpRuns.without.map(fmt).join(', ')})`);
    console.log('targets on 2 cores: per-event >= 25,000/s; per-batch >= 80,000/s and >= 0.5x raw; verify >= 15,000/s; checkpoints every 1,000 events >= 0.95x');
    await encryptionCost(work, dir, total);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropBenchSchemas();
  }
};

await main();
