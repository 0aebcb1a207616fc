import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { sampleFacts } from '../fixtures/facts.js';
import type { FactInput } from '../../src/domain/facts.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-tamper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic PRNG, so a failing mutation can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

describe.each(['per-event', 'per-batch'] as const)('tamper evidence (%s signing)', (signing) => {
  it('every single-character change to any stored row is reported against that event', async () => {
    const original = join(dir, `${signing}.db`);
    const ledger = await openLedger({ store: sqliteStore(original), signer: nodeSigner(randomSeed()), signing });
    await ledger.record(Object.values(sampleFacts).filter((f) => f.type !== 'KeyRevoked' && f.type !== 'CheckpointRecorded') as FactInput[]);
    await ledger.close();

    const rand = prng(signing === 'per-event' ? 7 : 11);
    const alphabet = 'abcdef0123456789ABCDEF-:.,"{}[]xyz ';
    const misses: string[] = [];
    for (let round = 0; round < 60; round++) {
      const copy = join(dir, `${signing}-${round}.db`);
      copyFileSync(original, copy);
      const db = new Database(copy);
      const rows = db.prepare('SELECT id, data FROM events ORDER BY position').all() as { id: string; data: string }[];
      const row = rows[Math.floor(rand() * rows.length)]!;
      const at = Math.floor(rand() * row.data.length);
      let replacement = row.data[at]!;
      while (replacement === row.data[at]) replacement = alphabet[Math.floor(rand() * alphabet.length)]!;
      db.prepare('UPDATE events SET data = ? WHERE id = ?').run(row.data.slice(0, at) + replacement + row.data.slice(at + 1), row.id);
      db.close();
      const verifier = await openLedger({ store: sqliteStore(copy) });
      const { findings } = await verifier.verify();
      await verifier.close();
      if (!findings.some((f) => f.eventId === row.id)) misses.push(`row ${row.id} char ${at} '${row.data[at]}' -> '${replacement}': ${JSON.stringify(findings)}`);
      rmSync(copy, { force: true });
    }
    expect(misses).toEqual([]);
  });
});
