import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { sampleFacts } from '../fixtures/facts.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two writers on one SQLite file', () => {
  it('racing on one subject stream through separate connections leave one unbroken chain', async () => {
    const path = join(dir, 'race.db');
    const seed = randomSeed();
    const [a, b] = await Promise.all([0, 1].map(() => openLedger({ store: sqliteStore(path), signer: nodeSigner(seed) })));
    const writes = Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? a! : b!).record([
        { ...sampleFacts.DataUsed, at: `2026-03-01T10:${String(i).padStart(2, '0')}:00Z` },
        { ...sampleFacts.DataUsed, subject: `v-${i}`, at: `2026-03-01T10:${String(i).padStart(2, '0')}:00Z` },
      ]),
    );
    const results = (await Promise.all(writes)).flat();
    const shared = results.filter((r) => r.stream === 'subject-u-1').map((r) => r.revision);
    expect(shared.sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const { findings, checked } = await a!.verify();
    expect(findings).toEqual([]);
    expect(checked).toBe(120 + 2); // one KeyRegistered (one key, two connections), one PolicyPublished
    await Promise.all([a!.close(), b!.close()]);
  });
});
