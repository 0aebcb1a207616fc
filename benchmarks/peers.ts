/**
 * The same append workload as bench:append, appended by an unsigned event store a user would
 * pick instead: Emmett's SQLite store. `npm run bench:peers [-- --runs 5 --quick --json FILE --events 100000]`.
 * The peer's packages are the benchmark's own (benchmarks/peers/package.json and its lockfile),
 * installed by the npm script on first use, never by the library's install. Variants, interleaved:
 * Emmett as a user gets it (`getSQLiteEventStore({ fileName })`, a connection per call) and with
 * one shared connection, each appending one batch at a time (it takes one writer: concurrent
 * appends fail); privacy-ledger per-event and per-batch, 8 batches in flight as in bench:append
 * and one batch at a time as Emmett appends. All on a fresh file each run, WAL, synchronous=FULL
 * (Emmett leaves SQLite's default, FULL).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LedgerError } from '../src/domain/errors.js';
import type { FactInput } from '../src/domain/facts.js';
import { openLedger, type Ledger } from '../src/ledger/ledger.js';
import type { SigningMode } from '../src/seal/envelope.js';
import { nodeSigner, randomSeed } from '../src/seal/signers.js';
import { sqliteStore } from '../src/store/sqlite.js';
import { appendWorkload, countFacts, subjectStream } from './append-workload.js';
import { HARNESS_OPTIONS, harnessArgs, runAndReport } from './harness-cli.js';
import type { RatioSpec, Variant } from './harness.js';

const { values } = parseArgs({
  options: { ...HARNESS_OPTIONS, events: { type: 'string', default: '100000' }, subjects: { type: 'string', default: '1000' }, batch: { type: 'string', default: '100' } },
});
const args = harnessArgs(values);
const work = appendWorkload({ events: Number(values.events), subjects: Number(values.subjects), batch: Number(values.batch) });
const total = countFacts(work);

/** The part of Emmett's SQLite API this benchmark uses. */
interface EmmettConnection {
  close(): void;
  querySingle<T>(sql: string): Promise<T | null>;
}
interface EmmettStore {
  appendToStream(stream: string, events: { type: string; data: Record<string, unknown> }[]): Promise<unknown>;
}
interface EmmettSqlite {
  getSQLiteEventStore(options: { fileName: string; connectionOptions?: { singleton: true; connection: EmmettConnection } }): EmmettStore;
  sqliteConnection(options: { fileName: string }): EmmettConnection;
}

const PEERS = fileURLToPath(new URL('../../benchmarks/peers/', import.meta.url));
const loadPeer = async (name: string): Promise<{ module: unknown; version: string }> => {
  const require = createRequire(join(PEERS, 'package.json'));
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new LedgerError('INVALID_INPUT', `${name} is not installed in ${PEERS}: run \`npm run bench:peers\`, which installs it (npm ci --prefix benchmarks/peers)`);
  }
  const version = (JSON.parse(readFileSync(join(PEERS, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  return { module: await import(pathToFileURL(entry).href), version };
};

const emmettSqlite = await loadPeer('@event-driven-io/emmett-sqlite');
const emmettCore = await loadPeer('@event-driven-io/emmett');
const sqlite3 = await loadPeer('sqlite3');
const emmett = emmettSqlite.module as EmmettSqlite;

const F = {
  emmett: 'Emmett SQLite, unsigned, a connection a call',
  emmettShared: 'Emmett SQLite, unsigned, one shared connection',
  ours: (signing: SigningMode, inFlight: number) => `privacy-ledger ${signing}, ${inFlight === 1 ? 'one batch at a time' : `${inFlight} batches in flight`}`,
} as const;

const isBusy = (e: unknown): boolean => (e as { code?: unknown }).code === 'SQLITE_BUSY';

/**
 * Emmett with a connection a call fails now and then with SQLITE_BUSY ("cannot commit transaction
 * - SQL statements in progress"): a user would retry, so the benchmark does, counts the retries as
 * a figure, and checks afterwards that every event was stored once.
 */
const appendRetrying = async (store: EmmettStore, stream: string, events: { type: string; data: Record<string, unknown> }[]): Promise<number> => {
  for (let retries = 0; ; retries++) {
    try {
      await store.appendToStream(stream, events);
      return retries;
    } catch (e) {
      if (!isBusy(e) || retries >= 10) throw e;
    }
  }
};

const emmettVariant = (shared: boolean): Variant => ({
  name: shared ? 'emmett shared' : 'emmett',
  run: async (ctx) => {
    const fileName = join(ctx.dir, 'emmett.db');
    const connection = shared ? emmett.sqliteConnection({ fileName }) : undefined;
    const store = emmett.getSQLiteEventStore({ fileName, ...(connection ? { connectionOptions: { singleton: true as const, connection } } : {}) });
    const events = work.map((batch) => batch.map((f: FactInput) => ({ type: f.type, data: f as unknown as Record<string, unknown> })));
    const figure = shared ? F.emmettShared : F.emmett;
    try {
      // The schema is made on first use: outside the timed section, as a long-running service has it.
      await store.appendToStream('warmup-0', [{ type: 'Warmup', data: {} }]);
      let retried = 0;
      await ctx.time({ figure, count: total, unit: 'events' }, async () => {
        for (let i = 0; i < work.length; i++) retried += await appendRetrying(store, subjectStream(work[i]![0]!), events[i]!);
      });
      ctx.note(`${figure}: appends retried after SQLITE_BUSY`, retried, 'appends');
      const check = connection ?? emmett.sqliteConnection({ fileName });
      const stored = (await check.querySingle<{ n: number }>('SELECT COUNT(*) AS n FROM emt_messages'))?.n;
      if (check !== connection) check.close();
      if (stored !== total + 1) throw new LedgerError('STORE_CORRUPT', `Emmett stored ${stored} events, not the ${total + 1} appended: the peer's figure would be wrong`);
    } finally {
      connection?.close();
    }
  },
});

const recordAll = async (ledger: Ledger, inFlight: number): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => { while (next < work.length) await ledger.record(work[next++]!); }));
};

const ours = (signing: SigningMode, inFlight: number): Variant => ({
  name: `${signing} x${inFlight}`,
  run: async (ctx) => {
    const ledger = await openLedger({ store: sqliteStore(join(ctx.dir, 'ledger.db'), { synchronous: 'FULL' }), signer: nodeSigner(randomSeed()), signing, verdicts: false });
    try {
      await ctx.time({ figure: F.ours(signing, inFlight), count: total, unit: 'events' }, () => recordAll(ledger, inFlight));
    } finally {
      await ledger.close();
    }
  },
});

const oursVariants = (['per-event', 'per-batch'] as const).flatMap((s) => [ours(s, 8), ours(s, 1)]);
const ratios: RatioSpec[] = oursVariants.flatMap((v) => {
  const [signing, x] = v.name.split(' x') as [SigningMode, string];
  const of = F.ours(signing, Number(x));
  return [{ of, to: F.emmett, label: `${of} / Emmett` }, { of, to: F.emmettShared, label: `${of} / Emmett, shared connection` }];
});

await runAndReport(
  {
    benchmark: 'bench:peers',
    description:
      `${total.toLocaleString('en-US')} facts of bench:append's workload (batches of ${values.batch}, one stream a batch), ` +
      `@event-driven-io/emmett-sqlite ${emmettSqlite.version} with @event-driven-io/emmett ${emmettCore.version} and sqlite3 ${sqlite3.version}; all SQLite WAL synchronous=FULL`,
    variants: [emmettVariant(false), emmettVariant(true), ...oursVariants],
    ratios,
  },
  args,
);
