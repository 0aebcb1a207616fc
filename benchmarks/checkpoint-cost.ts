/**
 * What automatic checkpoints cost a writer, robust to a shared machine: the same append run with
 * and without `autoCheckpoint: { everyEvents: 1000 }`, alternated ROUNDS times, per-event and
 * per-batch, each in this process on a fresh SQLite file (synchronous=FULL). Prints throughput,
 * CPU time per event (all threads: less sensitive than wall time to other load), how many
 * checkpoints were recorded, and how many rows the writer read back from the store.
 *   npm run build && node dist/benchmarks/checkpoint-cost.js [-- --events 100000 --rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FactInput } from '../src/domain/facts.js';
import { openLedger } from '../src/ledger/ledger.js';
import type { SigningMode } from '../src/seal/envelope.js';
import { nodeSigner, randomSeed } from '../src/seal/signers.js';
import type { EventStore } from '../src/store/port.js';
import { sqliteStore } from '../src/store/sqlite.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const SUBJECTS = 1000;
const BATCH = 100;
const IN_FLIGHT = 8;

/** Batches of one subject's facts, subjects round-robin: mostly uses, some collections and consents. */
const work = (): FactInput[][] => {
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const out: FactInput[][] = [];
  for (let start = 0; start < EVENTS / SUBJECTS; start += BATCH) {
    for (let s = 0; s < SUBJECTS && out.length * BATCH < EVENTS; s++) {
      const subject = `u-${s.toString(36).padStart(4, '0')}`;
      out.push(
        Array.from({ length: BATCH }, (_, k): FactInput => {
          const i = start + k;
          const at = new Date(t0 + i * 1000).toISOString();
          if (i % 20 === 0) return { type: 'DataCollected', at, subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' };
          if (i % 20 === 7) return { type: 'ConsentGranted', at, subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'web-form', recipients: ['acme-analytics'] };
          return { type: 'DataUsed', at, subject, categories: ['user.contact.email'], purpose: 'provide-service', actor: `service-${i % 7}` };
        }),
      );
    }
  }
  return out;
};

interface Run {
  readonly rate: number;
  readonly cpuUsPerEvent: number;
  readonly checkpoints: number;
  readonly rowsRead: number;
}

const run = async (batches: FactInput[][], path: string, signing: SigningMode, checkpoints: boolean): Promise<Run> => {
  const inner = sqliteStore(path, { synchronous: 'FULL' });
  let rowsRead = 0;
  const store: EventStore = {
    ...inner,
    readAll: (o) =>
      (async function* () {
        for await (const e of inner.readAll(o)) {
          rowsRead++;
          yield e;
        }
      })(),
  };
  const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), signing, verdicts: false, ...(checkpoints ? { autoCheckpoint: { everyEvents: 1000 } } : {}) });
  rowsRead = 0;
  let next = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => { while (next < batches.length) await ledger.record(batches[next++]!); }));
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const total = batches.reduce((n, b) => n + b.length, 0);
  const read = rowsRead;
  let recorded = 0;
  for await (const _ of inner.readStream('checkpoints')) recorded++;
  await ledger.close();
  return { rate: Math.round((total / ms) * 1000), cpuUsPerEvent: (used.user + used.system) / total, checkpoints: recorded, rowsRead: read };
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => n.toLocaleString('en-US');

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-cpcost-'));
  const batches = work();
  console.log(`checkpoint cost: ${fmt(EVENTS)} facts, batches of ${BATCH}, ${IN_FLIGHT} in flight, SQLite synchronous=FULL, ${ROUNDS} alternating rounds; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    for (const signing of ['per-event', 'per-batch'] as const) {
      const runs: Record<'without' | 'with', Run[]> = { without: [], with: [] };
      for (let r = 0; r < ROUNDS; r++) {
        for (const variant of ['without', 'with'] as const) runs[variant].push(await run(batches, join(dir, `${signing}-${variant}-${r}.db`), signing, variant === 'with'));
      }
      const [w, o] = [runs.with, runs.without];
      const rate = median(w.map((x) => x.rate)) / median(o.map((x) => x.rate));
      const cpu = median(w.map((x) => x.cpuUsPerEvent)) / median(o.map((x) => x.cpuUsPerEvent));
      console.log(
        `${signing.padEnd(9)} with ${w.map((x) => fmt(x.rate)).join(', ')} vs without ${o.map((x) => fmt(x.rate)).join(', ')} events/s: median ${rate.toFixed(3)}x; ` +
          `CPU ${median(w.map((x) => x.cpuUsPerEvent)).toFixed(1)} vs ${median(o.map((x) => x.cpuUsPerEvent)).toFixed(1)} µs/event (${(1 / cpu).toFixed(3)}x); ` +
          `checkpoints ${w.map((x) => x.checkpoints).join(', ')}; rows read back ${w.map((x) => fmt(x.rowsRead)).join(', ')}`,
      );
    }
    console.log(`load after ${loadavg().map((l) => l.toFixed(2)).join(' ')}; target: with >= 0.95x without`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();
