import { isLedgerError } from '../../src/domain/errors.js';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { catchUp, memoryCheckpoints, runProjection } from '../../src/projection/runner.js';
import { decodeStored, duplicateKey } from '../../src/seal/strict-json.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { built, cli } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-hostile-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const used = { type: 'DataUsed', at: '2026-03-02T00:00:00Z', subject: 'u-1', categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer' } as const;
const collected = {
  type: 'DataCollected', at: '2026-03-01T00:00:00Z', subject: 'u-1', categories: ['user.contact.email'], source: 'proactive-submission',
  purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup',
} as const;

let seq = 0;
/** A fresh two-fact ledger whose DataUsed row is rewritten by `rewrite`; returns its path and the event id. */
const ledgerWithRow = async (rewrite: (text: string) => string): Promise<{ path: string; id: string }> => {
  const path = join(dir, `l-${seq++}.db`);
  const ledger = await openLedger({ store: sqliteStore(path), signer: nodeSigner(randomSeed()) });
  const [, use] = await ledger.record([collected, used]);
  await ledger.close();
  const db = new Database(path);
  const row = db.prepare('SELECT data FROM events WHERE id = ?').get(use!.id) as { data: string };
  db.prepare('UPDATE events SET data = ? WHERE id = ?').run(rewrite(row.data), use!.id);
  db.close();
  return { path, id: use!.id };
};

/** Every read path over the ledger: none may throw; verify and audit must name the event. */
const readEverything = async (path: string, id: string) => {
  const ledger = await openLedger({ store: sqliteStore(path) });
  try {
    const verified = await ledger.verify();
    const audited = await ledger.audit({ at: '2026-03-03T00:00:00Z' });
    // The live view verifies as it catches up: on a ledger with a finding it refuses to answer (INTEGRITY).
    const refusedOr = <T>(p: Promise<T>): Promise<T | 'INTEGRITY'> =>
      p.catch((e: unknown) => {
        if (isLedgerError(e, 'INTEGRITY')) return 'INTEGRITY' as const;
        throw e;
      });
    const report = await refusedOr(ledger.subjectReport('u-1', '2026-03-03T00:00:00Z'));
    const verdict = await refusedOr(ledger.check(used, '2026-03-03T00:00:00Z'));
    const malformed: string[] = [];
    const run = await catchUp({
      store: ledger.store,
      projection: { name: 'count', initial: () => 0, apply: (n: number) => n + 1 },
      checkpoints: memoryCheckpoints(),
      decode: decodeStored,
      onMalformed: (m) => malformed.push(m.id),
    });
    const named = (fs: readonly { code: string; eventId: string }[]) => fs.filter((f) => f.eventId === id).map((f) => f.code);
    return { verify: named(verified.findings), audit: named(audited.integrity.findings), report, verdict, malformed, applied: run.applied, messages: verified.findings.map((f) => f.message) };
  } finally {
    await ledger.close();
  }
};

describe('stored rows written by an attacker', () => {
  it('a fact nested 5,000 arrays deep is MALFORMED_EVENT on every read path, never a RangeError', async () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const { path, id } = await ledgerWithRow((t) => t.replace('["user.contact.email"]', deep));
    const r = await readEverything(path, id);
    expect(r.verify).toEqual(['MALFORMED_EVENT']);
    expect(r.audit).toEqual(['MALFORMED_EVENT']);
    expect(r.messages.join(' ')).toMatch(/nested more than 32 levels deep/);
    expect(r.malformed).toEqual([id]);
    expect(r.report).toBe('INTEGRITY'); // nothing unverified becomes a proof: the live view refuses
    expect(r.verdict).toBe('INTEGRITY');
  });

  it('a live subscription (the runner following the store) reports a deep row written later as malformed and goes on', async () => {
    const { path } = await ledgerWithRow((t) => t);
    const store = sqliteStore(path);
    const malformed: string[] = [];
    const run = runProjection({
      store,
      projection: { name: 'count', initial: () => 0, apply: (n: number) => n + 1 },
      checkpoints: memoryCheckpoints(),
      decode: decodeStored,
      follow: true,
      onMalformed: (m) => malformed.push(m.id),
    });
    while (run.current().applied < 4) await new Promise((r) => setTimeout(r, 10));
    // Written behind the ledger's back while the runner follows: it reaches it through the subscription.
    const id = crypto.randomUUID();
    const db = new Database(path);
    db.prepare('INSERT INTO events (id, stream, revision, type, data) VALUES (?, ?, 0, ?, ?)').run(id, 'subject-u-9', 'DataUsed', `{"fact":${'['.repeat(5000) + ']'.repeat(5000)}}`);
    db.close();
    while (run.current().malformed < 1) await new Promise((r) => setTimeout(r, 10));
    const result = await run.stop();
    await store.close();
    expect(malformed).toEqual([id]);
    expect(result.applied).toBe(4);
  });

  it('a row holding a 10 MB string is named, not a crash', async () => {
    const { path, id } = await ledgerWithRow((t) => t.replace('"mailer"', JSON.stringify('x'.repeat(10_000_000))));
    const r = await readEverything(path, id);
    expect(r.verify).toEqual(['HASH_MISMATCH']);
    expect(r.audit).toEqual(['HASH_MISMATCH']);
  });

  it('a duplicate "fact" key that SQLite reads as a forged fact is MALFORMED_EVENT, and no view folds it', async () => {
    const forged = JSON.stringify({ ...used, purpose: 'sold-to-broker' });
    // JSON.parse keeps the last "fact" (the sealed one), SQLite's JSON functions the first (the forgery).
    const { path, id } = await ledgerWithRow((t) => `{"fact":${forged},` + t.slice(1));
    const db = new Database(path, { readonly: true });
    const seenBySqlite = db.prepare("SELECT json_extract(data, '$.fact.purpose') AS p FROM events WHERE id = ?").get(id) as { p: string };
    db.close();
    expect(seenBySqlite.p).toBe('sold-to-broker');
    const r = await readEverything(path, id);
    expect(r.verify).toEqual(['MALFORMED_EVENT']);
    expect(r.audit).toEqual(['MALFORMED_EVENT']);
    expect(r.messages.join(' ')).toMatch(/holds the key "fact" twice/);
    expect(r.malformed).toEqual([id]);
    expect(r.report).toBe('INTEGRITY');
  });

  it('text that parses to the sealed envelope but is not its canonical text is MALFORMED_EVENT', async () => {
    for (const rewrite of [(t: string) => t.replace('"mailer"', '"\\u006dailer"'), (t: string) => t.replace('{"fact":', '{ "fact" :'), (t: string) => t + '\n']) {
      const { path, id } = await ledgerWithRow(rewrite);
      const r = await readEverything(path, id);
      expect(r.verify).toEqual(['MALFORMED_EVENT']);
      expect(r.messages.join(' ')).toMatch(/not the canonical text of its envelope/);
    }
  });

  it('an untouched ledger verifies clean: the checks do not cry wolf', async () => {
    const { path, id } = await ledgerWithRow((t) => t);
    const r = await readEverything(path, id);
    expect(r.verify).toEqual([]);
    expect(r.malformed).toEqual([]);
    expect(r.applied).toBeGreaterThan(2);
    expect(r.report !== 'INTEGRITY' && r.report.used).toHaveLength(1);
  });

  it('duplicateKey finds a repeated key at any depth, and none in arrays or strings that look like keys', () => {
    expect(duplicateKey('{"a":1,"b":{"c":1,"c":2}}')).toBe('c');
    expect(duplicateKey('{"a":"\\"a\\":","b":["a","a"],"c":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(duplicateKey('{"\\u0061":1,"a":2}')).toBe('a');
  });
});

describe.skipIf(!built)('the CLI on a row nested 5,000 deep', () => {
  let path = '';
  beforeAll(async () => {
    ({ path } = await ledgerWithRow((t) => t.replace('["user.contact.email"]', '['.repeat(5000) + ']'.repeat(5000))));
  });
  it.each([['verify'], ['audit'], ['report', '--subject', 'u-1']])('%s ends with its own exit code (verify and audit: 3, naming the event), never an exception', (...args) => {
    const r = cli([...args, '--ledger', path]);
    expect(r.stderr).not.toMatch(/RangeError|unexpected error/);
    // report verifies first too: no report is given on a ledger that does not verify.
    expect(r.status).toBe(3);
    expect(args[0] === 'report' ? r.stderr : r.stdout).toMatch(/MALFORMED_EVENT/);
  });
});
