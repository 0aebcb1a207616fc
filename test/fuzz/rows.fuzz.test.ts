import { isLedgerError } from '../../src/domain/errors.js';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import type { FactInput } from '../../src/domain/facts.js';
import { bodyOf, canonicalBody, decodeEnvelope } from '../../src/seal/envelope.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { catchUp, memoryCheckpoints } from '../../src/projection/runner.js';
import { decodeStored } from '../../src/seal/strict-json.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import type { EventStore, RecordedEvent } from '../../src/store/port.js';
import { recorded, sqliteStore, type EventRow } from '../../src/store/sqlite.js';
import { sampleFacts } from '../fixtures/facts.js';
import { mutate, prng } from './mutate.js';

const SEED = 8_675_309;
const dir = mkdtempSync(join(tmpdir(), 'pl-fuzz-rows-'));
const original = join(dir, 'original.db');
let rows: EventRow[] = [];

beforeAll(async () => {
  const ledger = await openLedger({ store: sqliteStore(original), signer: nodeSigner(randomSeed()) });
  await ledger.record(Object.values(sampleFacts).filter((f) => f.type !== 'KeyRevoked' && f.type !== 'KeyRegistered' && f.type !== 'CheckpointRecorded') as FactInput[]);
  await ledger.close();
  const db = new Database(original, { readonly: true });
  db.defaultSafeIntegers(true);
  rows = db.prepare('SELECT position, id, stream, revision, type, data FROM events ORDER BY position').all() as EventRow[];
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A read-only store over rows as SQLite would hand them out: the same row mapper, text included. */
const rowStore = (events: readonly RecordedEvent[]): EventStore => ({
  name: 'rows',
  append: async () => Promise.reject(new Error('read-only')),
  async *readStream(stream) {
    yield* events.filter((e) => e.stream === stream);
  },
  lastEvent: async (stream) => events.filter((e) => e.stream === stream).at(-1),
  async *readAll(options = {}) {
    yield* events.filter((e) => options.after === undefined || e.position > options.after);
  },
  subscribe: () => {
    throw new Error('not used');
  },
  close: async () => undefined,
});

const sameBody = (before: string, after: string): boolean => {
  const a = decodeEnvelope(JSON.parse(before));
  const b = decodeStored(JSON.parse(after), recorded({ ...rows[0]!, data: after }));
  return E.isRight(a) && E.isRight(b) && canonicalBody(bodyOf(a.right)) === canonicalBody(bodyOf(b.right)) && b.right.hash === a.right.hash;
};

/** Every read path over one store; what each returned, or the exception it threw. */
const readEverything = async (store: EventStore, eventId: string, before: string, after: string): Promise<string | undefined> => {
  const ledger = await openLedger({ store });
  const verified = await ledger.verify();
  const audited = await ledger.audit({ at: '2026-06-01T00:00:00Z' });
  const named = verified.findings.some((f) => f.eventId === eventId);
  if (named !== audited.integrity.findings.some((f) => f.eventId === eventId)) return 'verify and audit disagree';
  // Passing unnamed is allowed only for a change to nothing the hash covers: a per-event
  // signature stripped from an envelope that a later signature of its stream covers through the chain.
  if (!named && !sameBody(before, after)) return `verify named no finding on ${eventId}: ${JSON.stringify(verified.findings).slice(0, 300)}`;
  // The live view verifies as it catches up: on a row with a finding each query refuses with
  // INTEGRITY (a named refusal, never a crash), and answers when the change touched nothing hashed.
  const refusedOrAnswered = async (ask: () => Promise<unknown>): Promise<string | undefined> => {
    try {
      await ask();
      return named ? 'a query answered from a ledger with a finding' : undefined;
    } catch (e) {
      return isLedgerError(e, 'INTEGRITY') && named ? undefined : `a query threw ${(e as Error).message.slice(0, 200)}`;
    }
  };
  for (const ask of [
    () => ledger.subjectReport('u-1', '2026-06-01T00:00:00Z'),
    () => ledger.check(sampleFacts.DataUsed, '2026-06-01T00:00:00Z'),
    () => ledger.policyAt('2026-06-01T00:00:00Z'),
    () => ledger.disclosureRegister('2026-06-01T00:00:00Z'),
  ]) {
    const problem = await refusedOrAnswered(ask);
    if (problem !== undefined) return problem;
  }
  const run = await catchUp({
    store,
    projection: { name: 'n', initial: () => 0, apply: (n: number) => n + 1 },
    checkpoints: memoryCheckpoints(),
    decode: decodeStored,
  });
  if (run.applied + run.malformed !== rows.length) return `the runner processed ${run.applied + run.malformed} of ${rows.length}`;
  // The runner decodes; it does not check hashes or signatures: a row that decodes to a changed envelope is verify's to name.
  if (run.malformed > 1 || (run.malformed === 0 && named && !verified.findings.some((f) => f.code !== 'MALFORMED_EVENT'))) {
    return `the runner reported ${run.malformed} malformed events for one rewritten row`;
  }
  return undefined;
};

describe('fuzzed stored rows', () => {
  it('1,000 rows rewritten by an attacker are each named by verify and audit, and no read path throws', async () => {
    const rand = prng(SEED);
    const problems: string[] = [];
    const events = rows.map(recorded);
    for (let i = 0; i < 1000; i++) {
      const at = rand.int(rows.length);
      const row = rows[at]!;
      let data = row.data;
      for (let k = 1 + rand.int(2); k > 0 || data === row.data; k--) data = mutate(rand, data);
      const store = rowStore(events.map((e, j) => (j === at ? recorded({ ...row, data }) : e)));
      try {
        const problem = await readEverything(store, row.id, row.data, data);
        if (problem !== undefined) {
          let d = 0;
          while (data[d] === row.data[d]) d++;
          problems.push(`case ${i} (row ${at}): ${problem}; differs at ${d}: ${JSON.stringify(row.data.slice(d - 20, d + 40))} -> ${JSON.stringify(data.slice(d - 20, d + 40))}`);
        }
      } catch (e) {
        problems.push(`case ${i} (row ${at}): threw ${(e as Error).stack?.slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('40 rows rewritten in the SQLite file itself are named the same way', async () => {
    const rand = prng(SEED + 1);
    const problems: string[] = [];
    for (let i = 0; i < 40; i++) {
      const copy = join(dir, `copy-${i}.db`);
      copyFileSync(original, copy);
      const row = rand.pick(rows);
      let data = row.data;
      while (data === row.data) data = mutate(rand, data);
      const db = new Database(copy);
      db.prepare('UPDATE events SET data = ? WHERE id = ?').run(data, row.id);
      db.close();
      const store = sqliteStore(copy);
      try {
        const problem = await readEverything(store, row.id, row.data, data);
        if (problem !== undefined) problems.push(`case ${i}: ${problem}`);
      } catch (e) {
        problems.push(`case ${i}: threw ${(e as Error).stack?.slice(0, 300)}`);
      } finally {
        await store.close();
      }
    }
    expect(problems).toEqual([]);
  });
});
