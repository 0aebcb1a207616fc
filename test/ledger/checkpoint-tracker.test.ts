// The writer's checkpoint tracker takes its own appends as leaves without reading them back, and
// automatic checkpoints run beside record(): each shortcut tried as something that would break it.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLedgerError, LedgerError } from '../../src/domain/errors.js';
import type { FactInput } from '../../src/domain/facts.js';
import { openLedger, type Ledger, type LedgerOptions } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed, type Signer } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore, StreamAppend } from '../../src/store/port.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { sampleFacts } from '../fixtures/facts.js';

const { DataUsed } = sampleFacts;
const dir = mkdtempSync(join(tmpdir(), 'pl-tracker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const uses = (subject: string, n: number): FactInput[] => Array.from({ length: n }, () => ({ ...DataUsed, subject, at: new Date().toISOString() }));

/** `store` counting every row its readAll yields, and left open by close() so a test can read it after the ledger closed. */
const observed = (store: EventStore) => {
  const seen = { rows: 0 };
  const wrapped: EventStore = {
    ...store,
    readAll: (o) =>
      (async function* () {
        for await (const e of store.readAll(o)) {
          seen.rows++;
          yield e;
        }
      })(),
    close: async () => undefined,
  };
  return { store: wrapped, seen };
};

const recordedNotes = async (store: EventStore): Promise<{ size: number; root: string; note: string }[]> => {
  const out: { size: number; root: string; note: string }[] = [];
  for await (const e of store.readStream('checkpoints')) out.push((e.data as { fact: { size: number; root: string; note: string } }).fact);
  return out;
};

const rowCount = async (store: EventStore): Promise<number> => {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
};

/** Every checkpoint recorded in the store, and those given, held by a fresh verify: same roots over the same prefixes. */
const expectAllHeld = async (store: EventStore, signer: Signer, extra: readonly string[] = []) => {
  const notes = [...(await recordedNotes(store)).map((c) => c.note), ...extra];
  const r = await (await openLedger({ store, trust: [{ keyId: signer.keyId, publicKey: signer.publicKey }] })).verify({ checkpoints: notes });
  expect(r.checkpoints.map((c) => c.held)).toEqual(notes.map(() => true));
  expect(r.findings.filter((f) => f.code.startsWith('CHECKPOINT'))).toEqual([]);
  return { result: r, notes };
};

const stores = {
  memory: () => memoryStore(),
  sqlite: () => sqliteStore(join(dir, `${randomUUID()}.db`)),
};

describe.each(['memory', 'sqlite'] as const)('the checkpoint tracker on %s', (kind) => {
  it('takes the writer’s own appends as leaves without reading them back, and signs the root verify computes', async () => {
    const { store, seen } = observed(stores[kind]());
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store, signer, verdicts: false, autoCheckpoint: { everyEvents: 20 } });
    for (let i = 0; i < 30; i++) await ledger.record(uses(`u-${i % 3}`, 10));
    const manual = await ledger.checkpoint();
    await ledger.close();
    const readByTracker = seen.rows;
    const total = await rowCount(store);
    expect(manual.size).toBe(total - 1); // every row as it stood, all but its own CheckpointRecorded
    const recorded = await recordedNotes(store);
    expect(recorded.length).toBeGreaterThanOrEqual(5);
    // The old tracker read every row once (~300); this one reads the first rows, then only what it did not write.
    expect(readByTracker).toBeLessThan(total / 4);
    await expectAllHeld(store, signer, [manual.note]);
  });

  it('an interleaving writer between the appender’s batches is read from the store: every checkpoint equals verify’s root', async () => {
    const shared = stores[kind]();
    const path = kind === 'sqlite' ? shared.name.slice('sqlite:'.length) : undefined;
    const { store } = observed(shared);
    const signer = nodeSigner(randomSeed());
    const a = await openLedger({ store, signer, verdicts: false, autoCheckpoint: { everyEvents: 7 } });
    // The other writer: another connection to the same file on SQLite, another ledger on the same store in memory.
    const b = await openLedger({ store: path === undefined ? store : sqliteStore(path), signer, verdicts: false });
    for (let i = 0; i < 12; i++) {
      await a.record(uses('u-a', 3));
      await b.record(uses(`u-b${i % 2}`, 1 + (i % 3)));
      // Rows that are no envelope at all, straight into the store: a leaf (of zeros) like any other.
      if (i % 4 === 0) await store.append('junk', [{ id: randomUUID(), type: 'Junk', data: { hash: 'not a hash' } }], 'any');
    }
    await Promise.all([a.record(uses('u-a', 5)), b.record(uses('u-b0', 5)), a.record(uses('u-a2', 2)), b.record(uses('u-b1', 2))]);
    const last = await a.checkpoint();
    expect(last.size).toBe((await rowCount(store)) - 1);
    await b.close();
    await a.close();
    expect((await recordedNotes(store)).length).toBeGreaterThanOrEqual(3);
    await expectAllHeld(store, signer, [last.note]);
  });
});

describe('the checkpoint tracker against positions reused', () => {
  it('refuses to sign when the store gives the writer’s append positions the log already holds (the tail deleted on SQLite)', async () => {
    const path = join(dir, `${randomUUID()}.db`);
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store: sqliteStore(path), signer, verdicts: false });
    await ledger.record(uses('u-1', 3));
    await ledger.checkpoint();
    await ledger.record(uses('u-2', 3));
    // An intruder deletes the newest row; SQLite gives its position to the next row written.
    const db = new Database(path);
    db.prepare('DELETE FROM events WHERE position = (SELECT MAX(position) FROM events)').run();
    db.close();
    await ledger.record(uses('u-3', 2));
    await expect(ledger.checkpoint()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining('positions reused') });
    // It stays refused: no later checkpoint is signed over that log either.
    await ledger.record(uses('u-3', 1));
    await expect(ledger.checkpoint()).rejects.toMatchObject({ code: 'INTEGRITY' });
    await ledger.close();
  });

  it('a store without dense positions is read back in full, as before, and its checkpoints hold', async () => {
    const inner = memoryStore();
    const { store, seen } = observed({ ...inner, densePositions: false });
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store, signer, verdicts: false, autoCheckpoint: { everyEvents: 20 } });
    for (let i = 0; i < 10; i++) await ledger.record(uses('u-1', 10));
    await ledger.close();
    expect(seen.rows).toBeGreaterThanOrEqual(100);
    await expectAllHeld(store, signer);
  });
});

/** `store` whose appends to the checkpoints stream wait for `gate` and then do what `fail` says. */
const checkpointAppends = (store: EventStore, control: { gate?: Promise<void>; fail?: () => boolean }): EventStore => {
  const touches = (appends: readonly StreamAppend[]) => appends.some((a) => a.stream === 'checkpoints');
  const held = async (appends: readonly StreamAppend[]) => {
    if (!touches(appends)) return;
    await control.gate;
    if (control.fail?.()) throw new LedgerError('STORE_UNAVAILABLE', 'the disk went away while the checkpoint was written');
  };
  return {
    ...store,
    append: async (stream, events, expected) => (await held([{ stream, events, expected }]), store.append(stream, events, expected)),
    appendMany: async (appends) => (await held(appends), store.appendMany!(appends)),
    close: async () => undefined,
  };
};

const ledgerOn = (store: EventStore, extra: Partial<LedgerOptions> = {}): Promise<Ledger> =>
  openLedger({ store, signer: nodeSigner(randomSeed()), verdicts: false, autoCheckpoint: { everyEvents: 5 }, ...extra });

describe('automatic checkpoints beside record()', () => {
  it('record() returns its facts while the checkpoint it made due is still being written; close() waits for it', async () => {
    let open!: () => void;
    const control = { gate: new Promise<void>((r) => (open = r)) };
    const store = checkpointAppends(memoryStore(), control);
    const ledger = await ledgerOn(store);
    const recorded = await ledger.record(uses('u-1', 6)); // due: the checkpoint starts, and waits at the gate
    expect(recorded).toHaveLength(6);
    await ledger.record(uses('u-1', 2));
    expect(await recordedNotes(store)).toEqual([]);
    const closing = ledger.close();
    open();
    await closing;
    const notes = await recordedNotes(store);
    expect(notes.length).toBeGreaterThanOrEqual(1);
    // Covers at least the six facts that made it due, and never a log other than the store's.
    expect(notes[0]!.size).toBeGreaterThanOrEqual(6 + 2);
    const r = await (await openLedger({ store })).verify({ checkpoints: notes.map((n) => n.note) });
    expect(r.findings).toEqual([]);
  });

  it('a failed automatic checkpoint is CHECKPOINT_FAILED to the next call, which records nothing; the call after goes on', async () => {
    let failing = true;
    const store = checkpointAppends(memoryStore(), { fail: () => failing });
    const ledger = await ledgerOn(store);
    const made = await ledger.record(uses('u-1', 5)); // recorded, whatever becomes of the checkpoint
    expect(made).toHaveLength(5);
    let refused: unknown;
    let rowsBefore = 0;
    for (let i = 0; i < 50 && refused === undefined; i++) {
      await new Promise((r) => setTimeout(r, 10));
      rowsBefore = await rowCount(store);
      refused = await ledger.record(uses('u-1', 1)).then(() => undefined, (e: unknown) => e);
    }
    expect(isLedgerError(refused, 'CHECKPOINT_FAILED')).toBe(true);
    expect((refused as LedgerError).details.cause).toBe('STORE_UNAVAILABLE');
    expect((refused as LedgerError).message).toContain('the disk went away');
    // Nothing of the refused call was recorded.
    expect(await rowCount(store)).toBe(rowsBefore);
    failing = false;
    await expect(ledger.record(uses('u-1', 1))).resolves.toHaveLength(1);
    await ledger.close();
  });

  it('with onError, a failure goes to the handler and record() carries on; without one, close() reports it', async () => {
    const errors: LedgerError[] = [];
    const withHandler = await ledgerOn(checkpointAppends(memoryStore(), { fail: () => true }), { autoCheckpoint: { everyEvents: 5, onError: (e) => errors.push(e) } });
    for (let i = 0; i < 4; i++) await withHandler.record(uses('u-1', 5));
    await withHandler.close();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((e) => e.code === 'STORE_UNAVAILABLE')).toBe(true);

    const silent = await ledgerOn(checkpointAppends(memoryStore(), { fail: () => true }));
    await silent.record(uses('u-1', 5));
    await expect(silent.close()).rejects.toMatchObject({ code: 'CHECKPOINT_FAILED', details: { cause: 'STORE_UNAVAILABLE' } });
  });
});
