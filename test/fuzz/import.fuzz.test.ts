import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCommand } from '../../src/cli/commands/import.js';
import { isLedgerError } from '../../src/domain/errors.js';
import type { FactInput } from '../../src/domain/facts.js';
import { parseFactLines } from '../../src/ledger/import.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { generateKeyFiles } from '../../src/seal/keys.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import { sampleFacts } from '../fixtures/facts.js';
import { deepValue, mutate, oddString, prng } from './mutate.js';

const SEED = 20261203;
const dir = mkdtempSync(join(tmpdir(), 'pl-fuzz-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lines = Object.values(sampleFacts).filter((f) => f.type !== 'KeyRegistered' && f.type !== 'KeyRevoked' && f.type !== 'CheckpointRecorded').map((f) => JSON.stringify(f));

/** What a refusal must look like: a line, a field and a message, all named. */
const wellFormedError = (e: { line: number; field: string; message: string }, lines: number) =>
  Number.isInteger(e.line) && e.line >= 1 && e.line <= lines && typeof e.field === 'string' && e.field.length > 0 && typeof e.message === 'string' && e.message.length > 0;

describe('fuzzed import lines', () => {
  it('3,000 mutated lines each end in a named refusal or a fact the ledger records, never an exception', async () => {
    const rand = prng(SEED);
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    let refused = 0;
    // By id: the same mutated text twice derives the same id, and one call may not repeat an id.
    const accepted = new Map<string, FactInput>();
    const bad: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let text = rand.pick(lines);
      for (let k = 1 + rand.int(3); k > 0; k--) text = mutate(rand, text);
      let parsed;
      try {
        parsed = parseFactLines(text);
      } catch (e) {
        bad.push(`case ${i}: parseFactLines threw ${(e as Error).stack?.slice(0, 200)} on ${text.slice(0, 120)}`);
        continue;
      }
      if (parsed.errors.length > 0) {
        refused++;
        if (parsed.facts.length > 0 || !parsed.errors.every((e) => wellFormedError(e, text.split('\n').length))) bad.push(`case ${i}: ${JSON.stringify(parsed).slice(0, 300)}`);
      } else {
        // A mutation may have split the line in two (an inserted newline): each half is judged alone.
        for (const f of parsed.facts) accepted.set(f.id!, f as FactInput);
      }
    }
    // Whatever import accepts, the ledger records: the two judge a fact the same way.
    const facts = [...accepted.values()];
    for (let i = 0; i < facts.length; i += 100) await ledger.record(facts.slice(i, i + 100));
    expect(bad).toEqual([]);
    expect(refused).toBeGreaterThan(2000);
    expect(accepted.size).toBeGreaterThan(0);
    expect((await ledger.verify()).findings).toEqual([]);
    await ledger.close();
  });

  it('2,000 hostile values given to record() and check() end in INVALID_FACT or a recorded fact', async () => {
    const rand = prng(SEED + 1);
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    const bad: string[] = [];
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const base = structuredClone(rand.pick(Object.values(sampleFacts).filter((f) => f.type !== 'KeyRevoked'))) as Record<string, unknown>;
      const key = rand.pick(Object.keys(base));
      base[key] = rand.pick<() => unknown>([
        () => deepValue(rand, 10 + rand.int(20_000)),
        () => oddString(rand),
        () => Array.from({ length: 1 + rand.int(50_000) }, () => 'user.contact.email'),
        () => 'x'.repeat(rand.int(100_000)),
        () => 10n ** BigInt(rand.int(30)),
        () => undefined,
        () => Symbol('s'),
        () => () => 1,
        () => new Date(),
        () => Object.create(null),
        () => ({ toJSON: () => 'sneaky' }),
      ])();
      for (const call of [() => ledger.check(base as FactInput), () => ledger.record(base as FactInput)]) {
        try {
          await call();
        } catch (e) {
          if (isLedgerError(e, 'INVALID_FACT') && e.message.length > 0) refused++;
          else bad.push(`case ${i} (${key}): ${(e as Error).stack?.slice(0, 300)}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(refused).toBeGreaterThan(3000);
    expect((await ledger.verify()).findings).toEqual([]);
    await ledger.close();
  });
});

describe('fuzzed import files', () => {
  let key = '';
  beforeAll(async () => {
    key = (await generateKeyFiles(join(dir, 'keys'), 'ops')).secretPath;
  });
  const rows = (path: string): number => {
    if (!existsSync(path)) return 0;
    const db = new Database(path, { readonly: true });
    const n = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    db.close();
    return n;
  };

  it('60 files of 20 lines with mutated lines: any bad line and nothing is recorded; a good file is recorded whole', async () => {
    const rand = prng(SEED + 2);
    const quiet = [vi.spyOn(console, 'error').mockImplementation(() => undefined), vi.spyOn(console, 'log').mockImplementation(() => undefined)];
    const outcomes = { refused: 0, imported: 0 };
    const bad: string[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const file = Array.from({ length: 20 }, () => rand.pick(lines));
        for (let k = 1 + rand.int(3); k > 0; k--) {
          const at = rand.int(file.length);
          file[at] = mutate(rand, file[at]!);
        }
        const text = file.join('\n');
        const path = join(dir, `f-${i}.jsonl`);
        const ledger = join(dir, `f-${i}.db`);
        writeFileSync(path, text);
        const expected = parseFactLines(text);
        let code: number;
        try {
          code = await importCommand([path, '--key', key, '--ledger', ledger]);
        } catch (e) {
          bad.push(`file ${i}: import threw ${(e as Error).message}`);
          continue;
        }
        if (expected.errors.length > 0) {
          outcomes.refused++;
          if (code !== 1 || rows(ledger) !== 0) bad.push(`file ${i}: exit ${code}, ${rows(ledger)} rows despite ${expected.errors.length} bad line(s)`);
        } else {
          outcomes.imported++;
          // Every fact, plus the key and the policy the ledger registers.
          if (code !== 0 || rows(ledger) !== expected.facts.length + 2) bad.push(`file ${i}: exit ${code}, ${rows(ledger)} rows for ${expected.facts.length} facts`);
        }
      }
    } finally {
      for (const q of quiet) q.mockRestore();
    }
    expect(bad).toEqual([]);
    expect(outcomes.refused).toBeGreaterThan(30);
  });
});
