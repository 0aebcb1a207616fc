/**
 * The append workload shared by bench:append and bench:peers: privacy-shaped facts (fideslang
 * categories, mostly uses, some collections, consents and disclosures), one subject's facts a
 * batch, subjects taken round-robin, their ids in no order; and the raw-insert ceiling over the same rows.
 */
import type Database from 'better-sqlite3';
import type { FactInput } from '../src/domain/facts.js';

const CATEGORIES = ['user.contact.email', 'user.contact.phone', 'user.behavior.browsing_history', 'user.device.ip_address', 'user.financial.bank_account'];
const PURPOSES = ['provide-service', 'personalization', 'service-optimization'];

/** The i-th fact of a subject. */
const factFor = (subject: string, i: number, t0: number): FactInput => {
  const at = new Date(t0 + i * 1000).toISOString();
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const purpose = PURPOSES[i % PURPOSES.length]!;
  if (i % 20 === 0) return { type: 'DataCollected', at, subject, categories: [category, 'user.contact'], source: 'proactive-submission', purposes: PURPOSES, policyVersion: 'seed-1', actor: 'signup-service' };
  if (i % 20 === 7) return { type: 'ConsentGranted', at, subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'web-form', recipients: ['acme-analytics'] };
  if (i % 20 === 13) return { type: 'DataDisclosed', at, subject, categories: [category], recipient: 'tax-office', reason: 'legal-obligation', actor: 'billing-service' };
  return { type: 'DataUsed', at, subject, categories: [category], purpose, actor: `service-${i % 7}` };
};

export interface AppendWorkloadOptions {
  readonly events: number;
  readonly subjects: number;
  readonly batch: number;
}

/**
 * The s-th subject's id: eight hex digits, s scattered by MurmurHash3's finalizer (a bijection on
 * 32 bits, so never two alike), as a service's user ids are: the order subjects are touched in is
 * not the order of their ids, so no store's stream index grows only at its end.
 */
export const subjectId = (s: number): string => {
  let x = s >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return `u-${((x ^ (x >>> 16)) >>> 0).toString(16).padStart(8, '0')}`;
};

/** Batches of `batch` facts, each for one subject, subjects round-robin: about `events` facts in all. */
export const appendWorkload = (o: AppendWorkloadOptions): FactInput[][] => {
  const perSubject = Math.ceil(o.events / o.subjects);
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const out: FactInput[][] = [];
  for (let start = 0; start < perSubject; start += o.batch) {
    for (let s = 0; s < o.subjects; s++) {
      const subject = subjectId(s);
      const n = Math.min(o.batch, perSubject - start);
      out.push(Array.from({ length: n }, (_, k) => factFor(subject, start + k, t0)));
    }
  }
  return out;
};

export const countFacts = (work: readonly (readonly FactInput[])[]): number => work.reduce((n, b) => n + b.length, 0);

/** The stream a fact of this workload lands in, as the ledger names subject streams. */
export const subjectStream = (f: FactInput): string => `subject-${(f as { subject: string }).subject}`;

/**
 * The storage ceiling: the same rows, unsealed, into a table of the same shape, with the same
 * statements the SQLite store uses (25 rows an INSERT), one durable transaction a batch. The
 * table is made here (untimed); the returned function is what a benchmark times.
 */
export const rawInsert = (db: Database.Database, newId: () => string): ((work: readonly FactInput[][]) => void) => {
  const CHUNK = 25;
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (stream, revision))');
  const one = db.prepare('INSERT INTO events (id, stream, revision, type, data) VALUES (?, ?, ?, ?, ?)');
  const chunk = db.prepare('INSERT INTO events (id, stream, revision, type, data) VALUES ' + Array(CHUNK).fill('(?, ?, ?, ?, ?)').join(', '));
  const revisions = new Map<string, number>();
  const row = (f: FactInput) => {
    const stream = subjectStream(f);
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    return [newId(), stream, revision, f.type, JSON.stringify(f)];
  };
  const tx = db.transaction((facts: readonly FactInput[]) => {
    let i = 0;
    for (; i + CHUNK <= facts.length; i += CHUNK) chunk.run(facts.slice(i, i + CHUNK).flatMap(row));
    for (; i < facts.length; i++) one.run(row(facts[i]!));
  });
  return (work) => {
    for (const b of work) tx(b);
  };
};
