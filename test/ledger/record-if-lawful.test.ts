import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore, StreamAppend } from '../../src/store/port.js';
import { sampleFacts } from '../fixtures/facts.js';

const { DataCollected, DataUsed, ConsentGranted, ConsentWithdrawn } = sampleFacts;
const personalised = { ...DataUsed, purpose: 'personalization', at: '2026-03-05T00:00:00Z' } as const;
const granted = { ...ConsentGranted, at: '2026-03-02T00:00:00Z' } as const;
const withdrawn = { ...ConsentWithdrawn, at: '2026-03-04T00:00:00Z' } as const;
const count = async (store: EventStore) => {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
};

/** A store whose next append, before it reaches the store, lets another writer record first. */
const interleaving = (inner: EventStore) => {
  let before: (() => Promise<unknown>) | undefined;
  const store: EventStore = {
    ...inner,
    appendMany: async (appends: readonly StreamAppend[]) => {
      const other = before;
      before = undefined;
      if (other) await other();
      return inner.appendMany!(appends);
    },
  };
  return { store, beforeNextAppend: (work: () => Promise<unknown>) => (before = work) };
};

describe('record() returns the verdict of what it recorded', () => {
  it('judges each fact of a call on everything before it, with its proof; a duplicate carries none', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    const [collected, lawful, unlawful] = await ledger.record([DataCollected, { ...DataUsed, id: '01900000-0000-7000-8000-0000000000c1' }, personalised]);
    expect(collected!.verdict).toMatchObject({ type: 'DataCollected', verdict: 'ok' });
    expect(lawful!.verdict).toMatchObject({ verdict: 'ok', basis: 'collection-purpose' });
    expect(lawful!.verdict!.proof.map((p) => p.eventId)).toContain(collected!.id);
    expect(unlawful!.verdict).toMatchObject({ verdict: 'violation', codes: ['PURPOSE_NOT_DECLARED'] });
    const [again] = await ledger.record({ ...DataUsed, id: '01900000-0000-7000-8000-0000000000c1' });
    expect(again!.duplicate).toBe(true);
    expect(again!.verdict).toBeUndefined();
  });
});

describe('an append-only writer (verdicts: false)', () => {
  it('records without judging, yet recordIfLawful still judges before it records', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()), verdicts: false });
    const [collected] = await ledger.record(DataCollected);
    expect(collected!.verdict).toBeUndefined();
    expect((await ledger.recordIfLawful(personalised)).recorded).toBeUndefined();
    expect((await ledger.recordIfLawful(DataUsed)).verdict).toMatchObject({ verdict: 'ok', basis: 'collection-purpose' });
  });
});

describe('recordIfLawful', () => {
  it('records a lawful fact and returns its verdict; refuses an unlawful one, recording nothing', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    await ledger.record(DataCollected);
    const ok = await ledger.recordIfLawful(DataUsed);
    expect(ok.verdict).toMatchObject({ verdict: 'ok', basis: 'collection-purpose' });
    expect(ok.recorded).toMatchObject({ type: 'DataUsed', duplicate: false });
    const before = await count(store);
    const refused = await ledger.recordIfLawful(personalised);
    expect(refused.verdict).toMatchObject({ verdict: 'violation', codes: ['PURPOSE_NOT_DECLARED'] });
    expect(refused.recorded).toBeUndefined();
    expect(await count(store)).toBe(before);
  });

  it('cannot be raced: a withdrawal another process records between the check and the append is judged', async () => {
    const inner = memoryStore();
    const seed = randomSeed(); // two processes of one service, one key
    const other = await openLedger({ store: inner, signer: nodeSigner(seed) });
    await other.record([DataCollected, granted]);
    const { store, beforeNextAppend } = interleaving(inner);
    const service = await openLedger({ store, signer: nodeSigner(seed) });

    // The attack on check() then record(): the withdrawal lands in between, and the use is recorded unlawfully.
    expect((await service.check(personalised)).verdict).toBe('ok');
    beforeNextAppend(() => other.record(withdrawn));
    const [raced] = await service.record(personalised);
    expect(raced!.verdict).toMatchObject({ verdict: 'violation', codes: ['CONSENT_WITHDRAWN'] });

    // The same attack on recordIfLawful: its append fails on the moved stream, the use is judged again and refused.
    await other.record({ ...granted, at: '2026-03-06T00:00:00Z' });
    const use = { ...personalised, at: '2026-03-08T00:00:00Z' };
    expect((await service.check(use)).verdict).toBe('ok');
    beforeNextAppend(() => other.record({ ...withdrawn, at: '2026-03-07T00:00:00Z' }));
    const before = await count(inner);
    const r = await service.recordIfLawful(use);
    expect(r.verdict).toMatchObject({ verdict: 'violation', codes: ['CONSENT_WITHDRAWN'] });
    expect(r.recorded).toBeUndefined();
    expect(await count(inner)).toBe(before + 1); // the withdrawal only
  });
});

describe('a store that fails to read back after a successful append', () => {
  it('still reports the facts recorded (without verdicts), so the caller does not record them again', async () => {
    const inner = memoryStore();
    let failReads = false;
    const store: EventStore = {
      ...inner,
      readAll: (o) => {
        if (!failReads) return inner.readAll(o);
        failReads = false;
        return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('connection reset')) }) };
      },
    };
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    failReads = true;
    const [r] = await ledger.record(DataCollected);
    expect(r).toMatchObject({ type: 'DataCollected', duplicate: false });
    expect(r!.verdict).toBeUndefined();
    const [next] = await ledger.record(DataUsed);
    expect(next!.verdict).toMatchObject({ verdict: 'ok' }); // the view caught up again
  });
});
