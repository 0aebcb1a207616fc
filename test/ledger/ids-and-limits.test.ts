import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLedgerError, type LedgerError } from '../../src/domain/errors.js';
import type { FactInput } from '../../src/domain/facts.js';
import { DEFAULT_MAX_FACT_BYTES } from '../../src/domain/limits.js';
import { parseFactLines } from '../../src/ledger/import.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { eventStoreDBStoreFromConnectionString } from '../../src/store/eventstoredb.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { startEmulator, type Emulator } from '../esdb/emulator.js';
import { sampleFacts } from '../fixtures/facts.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-ids-'));
let emulator: Emulator | undefined;
beforeAll(async () => {
  if (!process.env.EVENTSTORE_URL) emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const { DataCollected, DataUsed, DataDisclosed, SubjectNotified } = sampleFacts;
const UPPER = '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B';
const refusal = async (p: Promise<unknown>): Promise<LedgerError> => {
  try {
    await p;
  } catch (e) {
    if (isLedgerError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

let n = 0;
const stores: [string, () => EventStore][] = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore(join(dir, `s-${n++}.db`))],
  [
    `eventstoredb (${process.env.EVENTSTORE_URL ? 'real server' : 'emulator'})`,
    () => eventStoreDBStoreFromConnectionString(process.env.EVENTSTORE_URL ?? emulator!.connectionString, { prefix: `ids${Date.now().toString(36)}${n++}-` }),
  ],
];

describe.each(stores)('event ids on %s', (_name, makeStore) => {
  it('are stored in lower case, and the same fact sent again with its id in either case is recorded once', async () => {
    const store = makeStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const [first] = await ledger.record({ ...DataUsed, id: UPPER });
    expect(first).toMatchObject({ id: UPPER.toLowerCase(), duplicate: false });
    const again = [...(await ledger.record({ ...DataUsed, id: UPPER.toLowerCase() })), ...(await ledger.record({ ...DataUsed, id: UPPER }))];
    expect(again.map((r) => r.duplicate)).toEqual([true, true]);
    const rows = [];
    for await (const e of store.readStream('subject-u-1')) rows.push(e);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(UPPER.toLowerCase());
    expect((rows[0]!.data as { id: string }).id).toBe(UPPER.toLowerCase());
    expect((await ledger.verify()).findings).toEqual([]);
    await ledger.close();
  });

  it('an import file whose ids are upper-cased the second time records nothing twice', async () => {
    const store = makeStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const lines = (ids: string[]) => [DataCollected, DataUsed].map((f, i) => JSON.stringify({ ...f, id: ids[i] })).join('\n');
    const ids = ['0190a1b2-0000-7000-8000-00000000000a', '0190a1b2-0000-7000-8000-00000000000b'];
    const once = parseFactLines(lines(ids));
    const twice = parseFactLines(lines(ids.map((i) => i.toUpperCase())));
    expect(twice.facts.map((f) => f.id)).toEqual(ids);
    expect((await ledger.record(once.facts)).map((r) => r.duplicate)).toEqual([false, false]);
    expect((await ledger.record(twice.facts)).map((r) => r.duplicate)).toEqual([true, true]);
    expect((await ledger.verify()).checked).toBe(4); // key, policy, and the two facts once
    await ledger.close();
  });

  it('one call that uses an id twice, in any case, is refused as INVALID_FACT at once, and records nothing', async () => {
    const store = makeStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), maxRetries: 2 });
    const e = await refusal(ledger.record([{ ...DataCollected, id: UPPER }, { ...DataUsed, id: UPPER.toLowerCase() }]));
    expect(e.code).toBe('INVALID_FACT');
    expect(e.message).toContain(`fact 1: id: id ${UPPER.toLowerCase()} is already used by fact 0 of this call`);
    expect((await ledger.verify()).checked).toBe(2);
    await ledger.close();
  });

  it('references to other events (about, consentRef) are kept in lower case too', async () => {
    const store = makeStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    await ledger.record([
      { ...DataDisclosed, id: UPPER, reason: 'user-authorization', consentRef: UPPER } as FactInput,
      { ...SubjectNotified, about: UPPER },
    ]);
    const facts: Record<string, unknown>[] = [];
    for await (const e of store.readStream('subject-u-1')) facts.push((e.data as { fact: Record<string, unknown> }).fact);
    expect(facts.map((f) => f.consentRef ?? f.about)).toEqual([UPPER.toLowerCase(), UPPER.toLowerCase()]);
    await ledger.close();
  });
});

describe('the size of one fact', () => {
  const big = (bytes: number): FactInput => ({ ...DataUsed, actor: 'a'.repeat(bytes) });

  it('is refused past 64 KiB by default as INVALID_FACT naming the size, and nothing of the call is appended', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const e = await refusal(ledger.record([DataCollected, big(DEFAULT_MAX_FACT_BYTES)]));
    expect(e.code).toBe('INVALID_FACT');
    expect(e.message).toMatch(/fact 1: \(fact\): is 65\d{3} bytes of canonical JSON; the limit is 65536 bytes \(maxFactBytes\)/);
    expect((await ledger.verify()).checked).toBe(2);
    // Just under the limit is fine.
    await ledger.record(big(DEFAULT_MAX_FACT_BYTES - 200));
    await ledger.close();
  });

  it('a 50 MB fact is refused without a crash; the limit is an option of openLedger and of import', async () => {
    const ledger = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()), maxFactBytes: 1024 });
    expect((await refusal(ledger.record(big(50_000_000)))).message).toMatch(/is 5000\d{4} bytes .* limit is 1024 bytes/);
    expect((await refusal(ledger.record(big(1100)))).code).toBe('INVALID_FACT');
    expect((await refusal(ledger.check(big(1100)))).code).toBe('INVALID_FACT');
    await ledger.record(big(800));
    await ledger.close();
    const parsed = parseFactLines([JSON.stringify(big(10)), JSON.stringify(big(2000))].join('\n'), { maxFactBytes: 1024 });
    expect(parsed.errors).toEqual([{ line: 2, field: '(fact)', message: expect.stringMatching(/limit is 1024 bytes/) }]);
    expect(parseFactLines(JSON.stringify(big(70_000))).errors).toHaveLength(1); // the default applies to import too
  });

  it('refuses a limit that is not a positive whole number', async () => {
    for (const maxFactBytes of [0, -1, 1.5, Number.NaN]) {
      expect((await refusal(openLedger({ store: memoryStore(), maxFactBytes }))).code).toBe('INVALID_INPUT');
    }
  });
});
