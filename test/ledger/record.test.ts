import { describe, expect, it } from 'vitest';
import { isLedgerError, LedgerError } from '../../src/domain/errors.js';
import { memoryStore } from '../../src/store/memory.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, naclSigner, randomSeed } from '../../src/seal/signers.js';
import { ledgerTestStore } from '../helpers/ledger-store.js';
import type { EventStore } from '../../src/store/port.js';
import { seedPolicy } from '../../src/domain/policy.js';
import { sampleFacts } from '../fixtures/facts.js';

const { DataCollected, DataUsed } = sampleFacts;
const collect = async <T>(xs: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of xs) out.push(x);
  return out;
};
const count = async (store: EventStore, stream?: string) => {
  let n = 0;
  for await (const _ of stream ? store.readStream(stream) : store.readAll()) n++;
  return n;
};

describe('openLedger', () => {
  it('registers its key and publishes the policy once, however many times it is opened', async () => {
    const store = ledgerTestStore();
    const signer = nodeSigner(randomSeed());
    await Promise.all([openLedger({ store, signer }), openLedger({ store, signer })]);
    await openLedger({ store, signer });
    expect(await count(store, 'keys')).toBe(1);
    expect(await count(store, 'policy')).toBe(1);
    const [published] = await collect(store.readStream('policy'));
    expect((published!.data as { fact: { version: string } }).fact.version).toBe(seedPolicy.version);
  });

  it('refuses a key id already registered with another public key', async () => {
    const store = ledgerTestStore();
    await openLedger({ store, signer: nodeSigner(randomSeed(), 'ops') });
    await expect(openLedger({ store, signer: nodeSigner(randomSeed(), 'ops') })).rejects.toSatisfy((e) => isLedgerError(e, 'SIGNER_MISMATCH'));
  });

  it('opened without a signer, verifies but refuses to record', async () => {
    const ledger = await openLedger({ store: ledgerTestStore() });
    await expect(ledger.record(DataUsed)).rejects.toThrow(/without a signer/);
    expect((await ledger.verify()).findings).toEqual([]);
  });
});

describe('record', () => {
  it('seals each fact into its stream with revisions and a prev chain', async () => {
    const store = ledgerTestStore();
    const ledger = await openLedger({ store, signer: naclSigner(randomSeed()) });
    const [a, b, c] = await ledger.record([DataCollected, DataUsed, { ...DataUsed, subject: 'u-2' }]);
    expect([a!.stream, a!.revision, b!.stream, b!.revision, c!.stream, c!.revision]).toEqual(['subject-u-1', 0, 'subject-u-1', 1, 'subject-u-2', 0]);
    const [, second] = await collect(store.readStream('subject-u-1'));
    expect((second!.data as { prev: string }).prev).toBe(a!.hash);
    expect((await ledger.verify()).findings).toEqual([]);
  });

  it('refuses a batch with one bad fact, naming index and field, and appends none of it', async () => {
    const store = ledgerTestStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const before = await count(store);
    const err = await ledger.record([DataCollected, { ...DataUsed, purpose: '' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerError);
    expect((err as LedgerError).code).toBe('INVALID_FACT');
    expect((err as LedgerError).message).toContain('fact 1: purpose');
    expect((err as LedgerError).details.errors).toEqual([expect.objectContaining({ index: 1, field: 'purpose' })]);
    expect(await count(store)).toBe(before);
  });

  it('treats a repeated fact id as an idempotent retry, and refuses the id reused for another fact', async () => {
    const store = ledgerTestStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const id = '01900000-0000-7000-8000-00000000abcd';
    const [first] = await ledger.record({ ...DataUsed, id });
    const [again] = await ledger.record({ ...DataUsed, id });
    expect(first).toMatchObject({ id, duplicate: false });
    expect(again).toMatchObject({ id, duplicate: true, hash: first!.hash });
    expect(await count(store, 'subject-u-1')).toBe(1);
    await expect(ledger.record({ ...DataUsed, purpose: 'personalization', id })).rejects.toSatisfy((e) => isLedgerError(e, 'DUPLICATE_EVENT_ID'));
  });

  it('two writers racing on one subject stream leave one unbroken chain', async () => {
    const store = ledgerTestStore();
    // Two processes of one service, signing with its key.
    const seed = randomSeed();
    const [w1, w2] = await Promise.all([openLedger({ store, signer: nodeSigner(seed) }), openLedger({ store, signer: nodeSigner(seed) })]);
    const writes = Array.from({ length: 40 }, (_, i) => (i % 2 ? w1 : w2).record({ ...DataUsed, at: `2026-03-01T09:00:${String(i).padStart(2, '0')}Z` }));
    const results = (await Promise.all(writes)).flat();
    expect(new Set(results.map((r) => r.revision)).size).toBe(40);
    expect(await count(store, 'subject-u-1')).toBe(40);
    expect((await w1.verify()).findings).toEqual([]);
  });

  it('gives up with CONFLICT_RETRIES_EXHAUSTED when the stream keeps moving', async () => {
    const inner = ledgerTestStore();
    const ledger = await openLedger({ store: inner, signer: nodeSigner(randomSeed()), maxRetries: 2 });
    // From here on every append loses its race.
    const moved = async (): Promise<never> => {
      throw new LedgerError('WRONG_EXPECTED_REVISION', 'moved', {});
    };
    const racing: EventStore = { ...inner, append: moved, appendMany: moved };
    Object.assign(ledger.store, racing);
    await expect(ledger.record(DataUsed)).rejects.toSatisfy((e) => isLedgerError(e, 'CONFLICT_RETRIES_EXHAUSTED'));
  });
});

describe('record across streams', () => {
  it('appends a multi-stream call in one transaction, in the caller’s order', async () => {
    const store = ledgerTestStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const facts = [DataCollected, { ...DataCollected, subject: 'u-2' }, DataUsed, { ...DataUsed, subject: 'u-2' }, sampleFacts.PurposeAssessed];
    const recorded = await ledger.record(facts);
    const order: string[] = [];
    for await (const e of store.readAll()) if (!['keys', 'policy'].includes(e.stream) || e.type === 'PurposeAssessed') order.push(e.id);
    expect(order).toEqual(recorded.map((r) => r.id));
    expect(recorded.map((r) => [r.stream, r.revision])).toEqual([
      ['subject-u-1', 0],
      ['subject-u-2', 0],
      ['subject-u-1', 1],
      ['subject-u-2', 1],
      ['policy', 1],
    ]);
    expect((await ledger.verify()).findings).toEqual([]);
  });

  it('leaves nothing half-written when one stream of the call refuses: the id belongs to another fact', async () => {
    const store = ledgerTestStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const id = '01900000-0000-7000-8000-0000000000ee';
    await ledger.record({ ...DataUsed, subject: 'u-2', id });
    const before = await count(store);
    await expect(ledger.record([DataCollected, { ...DataUsed, subject: 'u-2', purpose: 'personalization', id }])).rejects.toSatisfy((e) =>
      isLedgerError(e, 'DUPLICATE_EVENT_ID'),
    );
    expect(await count(store)).toBe(before);
  });

  it('per-batch signing signs each stream’s last envelope of the call, and nothing else', async () => {
    const store = ledgerTestStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), signing: 'per-batch' });
    await ledger.record([DataCollected, { ...DataCollected, subject: 'u-2' }, DataUsed, { ...DataUsed, subject: 'u-2' }, { ...DataUsed, at: '2026-03-02T00:00:00Z' }]);
    const signed: [string, number][] = [];
    for await (const e of store.readAll()) {
      const env = e.data as { stream: string; revision: number; sig?: string };
      if (env.stream.startsWith('subject-') && env.sig) signed.push([env.stream, env.revision]);
    }
    expect(signed).toEqual([
      ['subject-u-2', 1],
      ['subject-u-1', 2],
    ]);
    expect((await ledger.verify()).findings).toEqual([]);
  });
});

describe('a store that lies', () => {
  it('refuses to chain onto a stream whose last event is not an envelope, and appends nothing', async () => {
    const store = ledgerTestStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    await store.append('subject-u-1', [{ id: crypto.randomUUID(), type: 'DataUsed', data: { not: 'an envelope' } }], 'no_stream');
    const before = await count(store);
    const err = await ledger.record(DataUsed).catch((e: unknown) => e);
    expect(isLedgerError(err, 'STORE_CORRUPT') && err.message).toMatch(/last event of stream "subject-u-1" .* is not a sealed envelope/);
    expect(await count(store)).toBe(before);
  });

  it('refuses an id already recorded on another subject at once, as DUPLICATE_EVENT_ID, appending nothing', async () => {
    const inner = memoryStore();
    let appends = 0;
    const store: EventStore = { ...inner, appendMany: (a) => (appends++, inner.appendMany!(a)), append: (s, e, x) => (appends++, inner.append(s, e, x)) };
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const id = '01900000-0000-7000-8000-0000000000ab';
    await ledger.record([DataCollected, { ...DataUsed, id }]);
    const before = await count(store);
    appends = 0;
    const other = { ...DataUsed, subject: 'u-2', id };
    await expect(ledger.record([{ ...DataCollected, subject: 'u-2' }, other])).rejects.toSatisfy(
      (e) => isLedgerError(e, 'DUPLICATE_EVENT_ID') && e.details.id === id && e.details.index === 1 && e.message.includes('another fact'),
    );
    expect(appends).toBe(1); // one refused append, no retries
    expect(await count(store)).toBe(before);
    // The same fact under its id again is still an idempotent retry.
    const [again] = await ledger.record({ ...DataUsed, id });
    expect(again!.duplicate).toBe(true);
  });
});
