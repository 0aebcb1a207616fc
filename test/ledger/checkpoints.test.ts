import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { hexToBytes } from '../../src/seal/hash.js';
import { verifyConsistency } from '../../src/seal/merkle.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { sampleFacts } from '../fixtures/facts.js';
import { manualClock } from '../helpers/clock.js';

const { DataUsed } = sampleFacts;

const recordedCheckpoints = async (store: EventStore) => {
  const out: { size: number; root: string; note: string }[] = [];
  for await (const e of store.readStream('checkpoints')) out.push((e.data as { fact: { size: number; root: string; note: string } }).fact);
  return out;
};

describe('checkpoints', () => {
  it('checkpoint() signs the log as it stands, records it, and each one extends the one before', async () => {
    const store = memoryStore();
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store, signer, origin: 'example.com/privacy-ledger/test' });
    await ledger.record({ ...DataUsed, at: new Date().toISOString() });
    const first = await ledger.checkpoint();
    expect(first).toMatchObject({ origin: 'example.com/privacy-ledger/test', size: 3 });
    expect(first.note.split('\n').slice(0, 2)).toEqual(['example.com/privacy-ledger/test', '3']);
    await ledger.record({ ...DataUsed, at: new Date().toISOString() });
    const second = await ledger.checkpoint();
    expect(second.size).toBe(5); // + the first checkpoint's own fact and one more use
    const proof = await ledger.consistencyProof(first.size, second.size);
    expect(verifyConsistency({ size1: 3, size2: 5, root1: hexToBytes(first.root), root2: hexToBytes(second.root), proof: proof.map(hexToBytes) })).toEqual({ ok: true });
    expect((await recordedCheckpoints(store)).map((c) => c.size)).toEqual([3, 5]);
    const r = await ledger.verify({ checkpoints: [first.note, second.note] });
    expect(r.findings).toEqual([]);
    expect(r.checkpoints.map((c) => c.held)).toEqual([true, true]);
    expect(r.treeSize).toBe(6);
  });

  it('refuses a checkpoint from a ledger opened without a signer, and a note of another ledger in verify', async () => {
    const store = memoryStore();
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store, signer });
    const mine = await ledger.checkpoint();
    await expect((await openLedger({ store })).checkpoint()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const other = await openLedger({ store: memoryStore(), signer });
    const theirs = await other.checkpoint();
    const r = await ledger.verify({ checkpoints: [theirs.note, mine.note.replace(/\n\n— .*/s, '\n\n— nobody AAAA\n')] });
    expect(r.findings.map((f) => f.code)).toEqual(['CHECKPOINT_INVALID', 'CHECKPOINT_INVALID']);
    expect(r.checkpoints.map((c) => c.held)).toEqual([false, false]);
  });

  it('autoCheckpoint signs one every N events and every T of recording, without a caller asking', async () => {
    // Automatic checkpoints are written beside record(): close() waits for them, on a store left open to read.
    const store: EventStore = { ...memoryStore(), close: async () => undefined };
    const clock = manualClock(Date.now());
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), clock: clock.now, autoCheckpoint: { everyEvents: 10 } });
    for (let i = 0; i < 7; i++) await ledger.record(Array.from({ length: 5 }, () => ({ ...DataUsed, at: clock.now().toISOString() })));
    await ledger.close();
    const sizes = (await recordedCheckpoints(store)).map((c) => c.size);
    expect(sizes.length).toBe(3); // at 10, 20 and 30 of the 35 events recorded
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
    const timed: EventStore = { ...memoryStore(), close: async () => undefined };
    const t = manualClock(Date.now());
    const l2 = await openLedger({ store: timed, signer: nodeSigner(randomSeed()), clock: t.now, autoCheckpoint: { everyMs: 60_000 } });
    await l2.record({ ...DataUsed, at: t.now().toISOString() });
    expect(await recordedCheckpoints(timed)).toEqual([]);
    t.set(t.now().getTime() + 61_000);
    await l2.record({ ...DataUsed, at: t.now().toISOString() });
    await l2.close();
    expect((await recordedCheckpoints(timed)).length).toBe(1);
    expect((await (await openLedger({ store: timed })).verify()).findings).toEqual([]);
  });

  it('the writer signs no checkpoint once the log no longer matches one it recorded', async () => {
    const store = memoryStore();
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store, signer });
    const [used] = await ledger.record({ ...DataUsed, at: new Date().toISOString() });
    await ledger.checkpoint();
    const lying: EventStore = {
      ...store,
      readAll: (o) => (async function* () { for await (const e of store.readAll(o)) if (e.id !== used!.id) yield e; })(),
    };
    const reopened = await openLedger({ store: lying, signer });
    await expect(reopened.checkpoint()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('no longer matches the checkpoint it recorded') });
  });
});
