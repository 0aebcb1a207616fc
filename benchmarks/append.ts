/**
 * Append and verify throughput on the embedded store (or an EventStoreDB a user points it at).
 *   npm run bench:append [-- --events 100000 --subjects 1000 --batch 100 --ledger esdb://...]
 * 100,000 facts across 1,000 subjects in batches of 100 (one subject's facts a batch), durable
 * (synchronous=FULL): a raw insert of the same rows without sealing as the ceiling, then per-event
 * and per-batch signing through the Ledger, then a full verify replay of the per-event ledger.
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
import { isEventStoreDBSpec, openStore } from '../src/store/open.js';
import { sqliteStore } from '../src/store/sqlite.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    subjects: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    inflight: { type: 'string', default: '8' },
    ledger: { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const SUBJECTS = Number(values.subjects);
const BATCH = Number(values.batch);
const IN_FLIGHT = Number(values.inflight);
const esdb = values.ledger !== undefined && isEventStoreDBSpec(values.ledger);

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
const sealedAppend = async (work: FactInput[][], ledgerSpec: string, signing: SigningMode) => {
  const store = esdb ? await openStore(ledgerSpec, { prefix: `bench-${signing}-${Date.now()}-` }) : sqliteStore(ledgerSpec, { synchronous: 'FULL' });
  // An append-only writer: the cost of returning each verdict is measured by bench:verdicts.
  const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), signing, verdicts: false });
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

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-bench-'));
  const work = batches();
  const total = work.reduce((n, b) => n + b.length, 0);
  console.log(`append benchmark: ${fmt(total)} facts, ${fmt(SUBJECTS)} subjects, batches of ${BATCH}, ${IN_FLIGHT} batches in flight, ${esdb ? values.ledger : 'SQLite WAL synchronous=FULL'}`);
  console.log(`machine: ${process.version}, ${(await import('node:os')).cpus().length} cores, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`);
  try {
    const ceiling = await ed25519Ceilings();
    console.log(`Ed25519 alone, both cores (ceiling)  sign ${fmt(ceiling.sign)}/s, verify ${fmt(ceiling.verify)}/s`);
    const rawMs = esdb ? undefined : rawInsert(work, join(dir, 'raw.db'));
    const raw = rawMs === undefined ? undefined : rate(total, rawMs);
    if (raw) console.log(`raw insert, unsealed (ceiling)   ${fmt(raw).padStart(8)} events/s`);
    const results: Record<string, number> = {};
    let perEventLedger: Awaited<ReturnType<typeof sealedAppend>>['ledger'] | undefined;
    for (const mode of ['per-event', 'per-batch'] as const) {
      const { ms, ledger } = await sealedAppend(work, esdb ? values.ledger! : join(dir, `${mode}.db`), mode);
      results[mode] = rate(total, ms);
      const ratio = (raw ? `  ${(results[mode]! / raw).toFixed(2)}x raw` : '') + (mode === 'per-event' ? `  ${(results[mode]! / ceiling.sign).toFixed(2)}x sign ceiling` : '');
      console.log(`sealed + signed, ${mode.padEnd(9)}       ${fmt(results[mode]!).padStart(8)} events/s${ratio}`);
      if (mode === 'per-event') perEventLedger = ledger;
      else await ledger.close();
    }
    const t = performance.now();
    const verified = await perEventLedger!.verify();
    const verifyMs = performance.now() - t;
    const verifyRate = rate(verified.checked, verifyMs);
    console.log(`verify replay, per-event sigs     ${fmt(verifyRate).padStart(8)} events/s  ${(verifyRate / ceiling.verify).toFixed(2)}x verify ceiling  (${fmt(verified.checked)} events, ${verified.findings.length} findings)`);
    await perEventLedger!.close();
    console.log('targets on 2 cores: per-event >= 25,000/s; per-batch >= 80,000/s and >= 0.5x raw; verify >= 15,000/s');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();
