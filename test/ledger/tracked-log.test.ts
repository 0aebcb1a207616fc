// The writer's Merkle log on this thread and on a worker thread: the same heads for the same
// leaves, the same refusals, and a worker that dies is replaced by a log rebuilt from the store.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { logTracker } from '../../src/ledger/log-tracker.js';
import { inThreadLog, LOG_WORKER_SCRIPT, workerLog, type TrackedLog } from '../../src/ledger/tracked-log.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { leafHash } from '../../src/seal/merkle.js';
import { merkleLog } from '../../src/seal/merkle-log.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import { sampleFacts } from '../fixtures/facts.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-tracked-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The built worker (npm test builds first): what the package runs.
const BUILT_WORKER = new URL('../../dist/src/ledger/tracked-log-worker.js', import.meta.url);
const kinds: Record<string, () => TrackedLog> = { 'this thread': inThreadLog, 'a worker thread': () => workerLog(BUILT_WORKER) };

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.each(Object.keys(kinds))('the tracked log on %s', (kind) => {
  const open = kinds[kind]!;

  it('gives the head a Merkle log gives for the same leaves, fed in blocks of any size', async () => {
    const log = open();
    const reference = merkleLog();
    try {
      for (const n of [1, 2, 3, 5, 8, 100, 2047, 2048, 2049, 5000, 1]) {
        const block = Uint8Array.from(randomBytes(32 * n));
        log.append(block);
        for (let o = 0; o < block.length; o += 32) reference.append(leafHash(block.subarray(o, o + 32)));
        const head = await log.head();
        expect(head.size).toBe(reference.size);
        expect(hex(head.root)).toBe(hex(reference.root()));
      }
    } finally {
      await log.close();
    }
  });

  it('holds a recorded checkpoint that matches, and refuses one that does not: INTEGRITY, and it stays refused', async () => {
    const log = open();
    const reference = merkleLog();
    try {
      const leaves = Uint8Array.from(randomBytes(32 * 10));
      log.append(leaves);
      for (let o = 0; o < leaves.length; o += 32) reference.append(leafHash(leaves.subarray(o, o + 32)));
      log.expectRoot(7, hex(reference.root(7)), 'e-good');
      log.expectLeaf(3, leaves.subarray(96, 128), 'e-own', '3');
      expect((await log.head()).size).toBe(10);
      log.expectRoot(7, hex(reference.root(8)), 'e-forged');
      await expect(log.head()).rejects.toMatchObject({ code: 'INTEGRITY', details: { eventId: 'e-forged', size: 7 } });
      log.append(Uint8Array.from(randomBytes(32)));
      await expect(log.head()).rejects.toMatchObject({ code: 'INTEGRITY', details: { eventId: 'e-forged' } });
    } finally {
      await log.close();
    }
  });

  it('refuses a checkpoint over more leaves than it holds, and an own append where another leaf is', async () => {
    const beyond = open();
    const other = open();
    try {
      beyond.append(Uint8Array.from(randomBytes(64)));
      beyond.expectRoot(3, '00'.repeat(32), 'e-beyond');
      await expect(beyond.head()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('no longer matches') });
      other.append(Uint8Array.from(randomBytes(64)));
      other.expectLeaf(1, Uint8Array.from(randomBytes(32)), 'e-moved', '9');
      await expect(other.head()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('positions reused'), details: { position: '9' } });
    } finally {
      await beyond.close();
      await other.close();
    }
  });
});

describe('the tracked log’s worker thread', () => {
  it('is what the built package uses, and not the TypeScript sources (no worker script beside them)', async () => {
    expect(LOG_WORKER_SCRIPT).toBeUndefined();
    const built = (await import(BUILT_WORKER.href.replace('tracked-log-worker.js', 'tracked-log.js'))) as { LOG_WORKER_SCRIPT?: URL };
    expect(built.LOG_WORKER_SCRIPT?.href).toBe(BUILT_WORKER.href);
  });

  it('that stops fails the head with CHECKPOINT_FAILED; the tracker rebuilds its log on this thread from the store and signs the right root', async () => {
    const dying = join(dir, `${randomUUID()}.mjs`);
    writeFileSync(dying, 'process.exit(3);\n');
    const lost = workerLog(pathToFileURL(dying));
    await expect(lost.head()).rejects.toMatchObject({ code: 'CHECKPOINT_FAILED', message: expect.stringContaining('exit 3') });

    const store = memoryStore();
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store, signer, verdicts: false });
    await ledger.record([{ ...sampleFacts.DataUsed, subject: 'u-1', at: new Date().toISOString() }, { ...sampleFacts.DataUsed, subject: 'u-2', at: new Date().toISOString() }]);
    const expected = await ledger.checkpoint();
    const tracker = logTracker(store, workerLog(pathToFileURL(dying)));
    const head = await tracker.catchUp();
    // Everything the store holds now: the rows the checkpoint covered and its own CheckpointRecorded.
    expect(head.size).toBe(expected.size + 1);
    const fresh = logTracker(store, inThreadLog());
    expect(hex(head.root)).toBe(hex((await fresh.catchUp()).root));
    await tracker.close();
    await ledger.close();
  });
});

describe('the built package’s writer, its log on a worker thread', () => {
  it('signs checkpoints that verify holds, and refuses to sign once the tail was deleted and its positions reused', async () => {
    const dist = new URL('../../dist/src/', import.meta.url).href;
    const { openLedger: openBuilt } = (await import(`${dist}ledger/ledger.js`)) as typeof import('../../src/ledger/ledger.js');
    const { sqliteStore: builtSqlite } = (await import(`${dist}store/sqlite.js`)) as typeof import('../../src/store/sqlite.js');
    const { nodeSigner: builtSigner, randomSeed: builtSeed } = (await import(`${dist}seal/signers.js`)) as typeof import('../../src/seal/signers.js');
    const path = join(dir, `${randomUUID()}.db`);
    const signer = builtSigner(builtSeed());
    const use = (subject: string) => ({ ...sampleFacts.DataUsed, subject, at: new Date().toISOString() });
    const ledger = await openBuilt({ store: builtSqlite(path), signer, verdicts: false, autoCheckpoint: { everyEvents: 10 } });
    for (let i = 0; i < 12; i++) await ledger.record([use(`u-${i % 3}`), use(`u-${i % 3}`), use('u-x')]);
    const manual = await ledger.checkpoint();
    const verified = await ledger.verify({ checkpoints: [manual.note] });
    expect(verified.checkpoints.map((c) => c.held)).toEqual([true]);
    expect(verified.findings).toEqual([]);
    // An intruder deletes the newest row; SQLite gives its position to the next row written.
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path);
    db.prepare('DELETE FROM events WHERE position = (SELECT MAX(position) FROM events)').run();
    db.close();
    await ledger.record([use('u-3')]);
    await expect(ledger.checkpoint()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('positions reused') });
    await ledger.close();
  });
});
