/**
 * Append and verify throughput on the embedded store (or an EventStoreDB a user points it at).
 *   npm run bench:append [-- --runs 5 --max-runs 15 --precision 5% --quick --in-process --json FILE --events 100000 --subjects 1000 --batch 100 --ledger esdb://...|postgres://... --only encryption|checkpoints]
 * 100,000 facts across 1,000 subjects in batches of 100 (one subject's facts a batch), durable
 * (synchronous=FULL). Variants, interleaved by the harness, each on a fresh store: the Ed25519
 * ceilings (sign and verify alone, the shapes the ledger uses), a raw insert of the same rows
 * without sealing (the storage ceiling), per-event signing then a full verify replay of that
 * ledger, per-batch signing, and each of them with an automatic checkpoint every 1,000 events.
 * With a postgres:// ledger the sealed variants run on SQLite and on PostgreSQL (a fresh schema
 * each run, dropped after it), so both columns and their ratio come from one invocation.
 * Then encryption (a key store: pseudonymous streams, AES-256-GCM per subject) against the same
 * runs without, per-event and per-batch; `--only encryption` runs just those four, `--only
 * checkpoints` the two with checkpoints and the two without.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import { openLedger, type Ledger } from '../src/ledger/ledger.js';
import type { SigningMode } from '../src/seal/envelope.js';
import { nodeSigner, nodeVerifier, randomSeed } from '../src/seal/signers.js';
import { isEventStoreDBSpec, isPostgresSpec, openStore } from '../src/store/open.js';
import { redactLedgerSpec } from '../src/store/redact.js';
import { sqliteStore } from '../src/store/sqlite.js';
import { sqliteKeyStore } from '../src/store/sqlite-key-store.js';
import { appendWorkload, countFacts, rawInsert } from './append-workload.js';
import { HARNESS_OPTIONS, harnessArgs, runAndReport } from './harness-cli.js';
import type { RatioSpec, RunContext, Variant } from './harness.js';

const { values } = parseArgs({
  options: {
    ...HARNESS_OPTIONS,
    events: { type: 'string', default: '100000' },
    subjects: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    inflight: { type: 'string', default: '8' },
    ledger: { type: 'string' },
    only: { type: 'string' },
  },
});
const args = harnessArgs(values);
const EVENTS = Number(values.events);
const SUBJECTS = Number(values.subjects);
const BATCH = Number(values.batch);
const IN_FLIGHT = Number(values.inflight);
const esdb = values.ledger !== undefined && isEventStoreDBSpec(values.ledger);
const postgres = values.ledger !== undefined && isPostgresSpec(values.ledger);
type Target = 'sqlite' | 'esdb' | 'postgres';
const targets: readonly Target[] = esdb ? ['esdb'] : postgres ? ['sqlite', 'postgres'] : ['sqlite'];
const NAMES: Record<Target, string> = { sqlite: 'SQLite', esdb: 'EventStoreDB', postgres: 'PostgreSQL' };
/** A figure's name, with the store named where a run measures two. */
const on = (figure: string, target: Target): string => (targets.length > 1 ? `${figure} (${NAMES[target]})` : figure);

const work = appendWorkload({ events: EVENTS, subjects: SUBJECTS, batch: BATCH });
const total = countFacts(work);

const F = {
  sign: 'Ed25519 sign alone (ceiling)',
  verify: 'Ed25519 verify alone (ceiling)',
  raw: 'raw insert, unsealed (ceiling)',
  perEvent: 'sealed + signed, per-event',
  perBatch: 'sealed + signed, per-batch',
  replay: 'verify replay, per-event sigs',
  checkpoints: 'per-event, checkpoint every 1,000',
  checkpointsPerBatch: 'per-batch, checkpoint every 1,000',
  encryptedPerEvent: 'sealed + signed + encrypted, per-event',
  encryptedPerBatch: 'sealed + signed + encrypted, per-batch',
} as const;
if (values.only !== undefined && values.only !== 'encryption' && values.only !== 'checkpoints') throw new Error(`--only takes "encryption" or "checkpoints", not "${values.only}"`);
const onlyEncryption = values.only === 'encryption';
const onlyCheckpoints = values.only === 'checkpoints';

/** A fresh store for one run: a file in the run's directory, a new PostgreSQL schema, a new ESDB prefix. */
const freshStore = async (ctx: RunContext, target: Target, tag: string) => {
  const name = `bench_${tag}_${ctx.round}_${Date.now().toString(36)}`;
  if (target === 'esdb') return { store: await openStore(values.ledger!, { prefix: name.replaceAll('_', '-') }), drop: async () => {} };
  if (target === 'postgres') return { store: await openStore(values.ledger!, { schema: name }), drop: () => dropSchema(name) };
  return { store: sqliteStore(join(ctx.dir, `${tag}.db`), { synchronous: 'FULL' }), drop: async () => {} };
};

/** Records every batch through the Ledger, IN_FLIGHT batches at a time (signing runs on the thread pool meanwhile). */
const recordAll = async (ledger: Ledger): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (next < work.length) await ledger.record(work[next++]!); }));
};

const sealed = (target: Target, signing: SigningMode, checkpointEvery?: number, encrypted = false): Variant => ({
  name: `${signing}${checkpointEvery === undefined ? '' : ` + checkpoints`}${encrypted ? ' + encryption' : ''} ${target}`,
  run: async (ctx) => {
    const tag = `${signing.replace('-', '_')}${checkpointEvery ?? ''}${encrypted ? '_enc' : ''}`;
    const { store, drop } = await freshStore(ctx, target, tag);
    // An append-only writer: the cost of returning each verdict is measured by bench:verdicts.
    const ledger = await openLedger({
      store,
      signer: nodeSigner(randomSeed()),
      signing,
      verdicts: false,
      ...(checkpointEvery === undefined ? {} : { autoCheckpoint: { everyEvents: checkpointEvery } }),
      ...(encrypted ? { keyStore: sqliteKeyStore(join(ctx.dir, `${tag}.keys`)) } : {}),
    });
    try {
      const figure =
        checkpointEvery !== undefined ? (signing === 'per-event' ? F.checkpoints : F.checkpointsPerBatch)
        : encrypted ? (signing === 'per-event' ? F.encryptedPerEvent : F.encryptedPerBatch)
        : signing === 'per-event' ? F.perEvent : F.perBatch;
      await ctx.time({ figure: on(figure, target), count: total, unit: 'events' }, () => recordAll(ledger));
      if (signing === 'per-event' && checkpointEvery === undefined && !encrypted && values.only === undefined) {
        const verified = await ctx.time({ figure: on(F.replay, target), count: (r: { checked: number }) => r.checked, unit: 'events' }, () => ledger.verify());
        if (verified.findings.length > 0) throw new Error(`the benchmark ledger does not verify: ${verified.findings[0]!.code} ${verified.findings[0]!.message}`);
      }
    } finally {
      await ledger.close();
      await drop();
    }
  },
});

/**
 * The Ed25519 ceilings on this machine: node:crypto signing and verifying alone on the worker
 * threads, in the shapes the ledger uses (sign: batches of 100, 8 in flight; verify: batches of
 * 256, 4 in flight) — what per-event signing and verify replay can at best reach.
 */
// Long enough to hold still (about a second each at full speed), shorter for a small workload.
const SIGN_BATCHES = Math.min(500, Math.max(20, Math.ceil(total / 100)));
const VERIFY_BATCHES = Math.min(100, Math.max(4, Math.ceil(total / 1000)), Math.floor((SIGN_BATCHES * 100) / 256));
const ed25519Ceilings: Variant = {
  name: 'Ed25519 ceilings',
  run: async (ctx) => {
    const signer = nodeSigner(randomSeed());
    const inFlight = async (n: number, count: number, op: (i: number) => Promise<unknown>) => {
      let next = 0;
      await Promise.all(Array.from({ length: n }, async () => { while (next < count) await op(next++); }));
    };
    const toSign = Array.from({ length: SIGN_BATCHES }, () => Array.from({ length: 100 }, () => Uint8Array.from(randomBytes(32))));
    await signer.signMany(toSign[0]!); // starts the worker threads outside the timed section
    const sigs = await ctx.time({ figure: F.sign, count: SIGN_BATCHES * 100, unit: 'sigs' }, async () => {
      const out: Uint8Array[][] = [];
      await inFlight(8, toSign.length, async (i) => { out[i] = await signer.signMany(toSign[i]!); });
      return out;
    });
    const flat = toSign.flatMap((b, i) => b.map((m, k) => [m, sigs[i]![k]!, signer.publicKey] as const)).slice(0, VERIFY_BATCHES * 256);
    const toVerify = Array.from({ length: VERIFY_BATCHES }, (_, i) => flat.slice(i * 256, (i + 1) * 256));
    await ctx.time({ figure: F.verify, count: flat.length, unit: 'sigs' }, () => inFlight(4, toVerify.length, (i) => nodeVerifier.verifyMany(toVerify[i]!)));
  },
};

const rawVariant: Variant = {
  name: 'raw insert',
  run: async (ctx) => {
    const db = new Database(join(ctx.dir, 'raw.db'));
    try {
      const insertAll = rawInsert(db, uuidv7);
      await ctx.time({ figure: F.raw, count: total, unit: 'events' }, () => insertAll(work));
    } finally {
      db.close();
    }
  },
};

const pgClient = async () => {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: values.ledger });
  await client.connect();
  return client;
};

const dropSchema = async (schema: string): Promise<void> => {
  const client = await pgClient();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
};

/** The server's durability settings, which bound a commit: stated beside its figures. */
const postgresSettings = async (): Promise<string> => {
  const client = await pgClient();
  try {
    const show = async (name: string) => (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name];
    return `PostgreSQL ${await show('server_version')}, synchronous_commit=${await show('synchronous_commit')}, fsync=${await show('fsync')}, wal_sync_method=${await show('wal_sync_method')}`;
  } finally {
    await client.end();
  }
};

const encryption: Variant[] = [sealed(targets[0]!, 'per-event', undefined, true), sealed(targets[0]!, 'per-batch', undefined, true)];
const checkpointing: Variant[] = [sealed(targets[0]!, 'per-event', 1_000), sealed(targets[0]!, 'per-batch', 1_000)];
const variants: Variant[] = values.only !== undefined
  ? [sealed(targets[0]!, 'per-event'), sealed(targets[0]!, 'per-batch'), ...(onlyEncryption ? encryption : checkpointing)]
  : [
      ed25519Ceilings,
      ...(esdb ? [] : [rawVariant]),
      ...targets.flatMap((t) => [sealed(t, 'per-event'), sealed(t, 'per-batch')]),
      ...checkpointing,
      ...encryption,
    ];
const encryptionRatios: RatioSpec[] = [
  { of: on(F.encryptedPerEvent, targets[0]!), to: on(F.perEvent, targets[0]!), label: 'encrypted / without, per-event (target >= 0.85)' },
  { of: on(F.encryptedPerBatch, targets[0]!), to: on(F.perBatch, targets[0]!), label: 'encrypted / without, per-batch (target >= 0.85)' },
  { of: on(F.encryptedPerBatch, targets[0]!), to: on(F.perBatch, targets[0]!), label: 'encrypted / without, per-batch, main thread', basis: 'main thread' },
];

// The same ratios on the main thread's busy time a fact: per-batch appends are bound by that thread,
// and its time is far steadier than the wall clock of a shared machine.
const checkpointRatios: RatioSpec[] = [
  { of: on(F.checkpoints, targets[0]!), to: on(F.perEvent, targets[0]!), label: 'checkpoint every 1,000 / without, per-event (target >= 0.95)' },
  { of: on(F.checkpointsPerBatch, targets[0]!), to: on(F.perBatch, targets[0]!), label: 'checkpoint every 1,000 / without, per-batch (target >= 0.95)' },
  { of: on(F.checkpoints, targets[0]!), to: on(F.perEvent, targets[0]!), label: 'checkpoint every 1,000 / without, per-event, main thread', basis: 'main thread' },
  { of: on(F.checkpointsPerBatch, targets[0]!), to: on(F.perBatch, targets[0]!), label: 'checkpoint every 1,000 / without, per-batch, main thread', basis: 'main thread' },
];
const ratios: RatioSpec[] = onlyEncryption ? encryptionRatios : onlyCheckpoints ? checkpointRatios : [
  ...targets.flatMap((t): RatioSpec[] => [
    ...(esdb ? [] : [{ of: on(F.perEvent, t), to: F.raw, ceiling: true }, { of: on(F.perBatch, t), to: F.raw, ceiling: true }]),
    { of: on(F.perEvent, t), to: F.sign, ceiling: true },
    { of: on(F.replay, t), to: F.verify, ceiling: true },
  ]),
  ...(postgres ? [F.perEvent, F.perBatch, F.replay].map((f) => ({ of: on(f, 'postgres'), to: on(f, 'sqlite'), label: `${f}: PostgreSQL / SQLite` })) : []),
  ...checkpointRatios,
  ...encryptionRatios,
];

const where = esdb ? redactLedgerSpec(values.ledger!) : postgres ? `SQLite WAL synchronous=FULL, and ${await postgresSettings()}` : 'SQLite WAL synchronous=FULL';
await runAndReport(
  {
    benchmark: 'bench:append',
    description: `${total.toLocaleString('en-US')} facts, ${SUBJECTS.toLocaleString('en-US')} subjects, batches of ${BATCH}, ${IN_FLIGHT} batches in flight, ${where}`,
    variants,
    ratios,
    isolation: 'process',
    maxRuns: 15,
  },
  args,
);
console.log('targets on 2 cores: per-event >= 25,000/s; per-batch >= 80,000/s and >= 0.5x raw; verify >= 15,000/s; checkpoints every 1,000 events >= 0.95x; encryption >= 0.85x');
