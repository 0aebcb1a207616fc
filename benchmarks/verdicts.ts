/**
 * What record() pays for returning the verdict of each fact it records (`verdicts`, default
 * true) against an append-only writer (`verdicts: false`): the same 10,000 facts, batches of
 * 100, 8 in flight, on SQLite, runs of the two interleaved so that a noisy machine hits both.
 *   npm run bench:verdicts [-- --signing per-event|per-batch --runs 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FactInput } from '../src/domain/facts.js';
import { openLedger } from '../src/ledger/ledger.js';
import type { SigningMode } from '../src/seal/envelope.js';
import { nodeSigner, randomSeed } from '../src/seal/signers.js';
import { sqliteStore } from '../src/store/sqlite.js';

const { values } = parseArgs({ options: { signing: { type: 'string', default: 'per-event' }, runs: { type: 'string', default: '4' } } });
const signing = values.signing as SigningMode;
const RUNS = Number(values.runs);
const dir = mkdtempSync(join(tmpdir(), 'pl-bench-verdicts-'));

const factFor = (subject: string, i: number): FactInput =>
  i % 20 === 0
    ? { type: 'DataCollected', at: '2026-03-01T00:00:00Z', subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' }
    : { type: 'DataUsed', at: '2026-03-02T00:00:00Z', subject, categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer' };

const run = async (verdicts: boolean, n: number): Promise<number> => {
  const store = sqliteStore(join(dir, `${verdicts}-${n}.db`));
  const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), signing, verdicts });
  const batches = Array.from({ length: 100 }, (_, b) => Array.from({ length: 100 }, (_, i) => factFor(`u-${b % 50}`, i)));
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < batches.length) await ledger.record(batches[next++]!); }));
  const ms = performance.now() - t;
  await ledger.close();
  return (10_000 / ms) * 1000;
};

const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
for (let k = 0; k < RUNS; k++) for (const v of k % 2 ? [true, false] : [false, true]) rates[v ? 'on' : 'off'].push(await run(v, k));
rmSync(dir, { recursive: true, force: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`record() with verdicts, ${signing}, SQLite synchronous=FULL, 10,000 facts x ${RUNS} runs (median):`);
console.log(`  verdicts: false (append only)   ${f(median(rates.off))} facts/s`);
console.log(`  verdicts: true  (the default)   ${f(median(rates.on))} facts/s  ${(median(rates.on) / median(rates.off)).toFixed(2)}x`);
