// Each attack of the trust model, tried as its attacker would, and the finding that names it.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FactInput } from '../../src/domain/facts.js';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { witnessCheckpoint } from '../../src/ledger/witness.js';
import { chainWithText, envelopeJson, type Envelope } from '../../src/seal/envelope.js';
import { bytesToHex } from '../../src/seal/hash.js';
import type { TrustedKey } from '../../src/seal/keys.js';
import { nodeSigner, randomSeed, type Signer } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore, RecordedEvent } from '../../src/store/port.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { sampleFacts } from '../fixtures/facts.js';
import { manualClock } from '../helpers/clock.js';
import { lyingStore } from '../helpers/stores.js';

const { DataCollected, DataUsed, ConsentGranted, ConsentWithdrawn } = sampleFacts;
const dir = mkdtempSync(join(tmpdir(), 'pl-attacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const day = (n: number, h = 9) => `2026-03-${String(n).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
const trusted = (s: Signer): TrustedKey => ({ keyId: s.keyId, publicKey: s.publicKey });
const codes = (findings: readonly { code: string }[]) => [...new Set(findings.map((f) => f.code))].sort();

/** A ledger with two subjects' history, recorded live on a test clock, and a checkpoint of it. */
const history = async (store: EventStore) => {
  const signer = nodeSigner(randomSeed());
  const clock = manualClock(day(1, 8));
  const ledger = await openLedger({ store, signer, clock: clock.now });
  const live = async (at: string, f: FactInput) => {
    clock.set(at);
    return (await ledger.record({ ...f, at }))[0]!;
  };
  await live(day(1), DataCollected);
  await live(day(1, 10), { ...DataCollected, subject: 'u-2' });
  await live(day(2), { ...ConsentGranted });
  await live(day(3), { ...DataUsed, purpose: 'personalization' });
  await live(day(4), { ...DataUsed, subject: 'u-2' });
  const withdrawal = await live(day(5), { ...ConsentWithdrawn });
  const checkpoint = await ledger.checkpoint();
  return { signer, ledger, clock, checkpoint, withdrawal, live };
};

const verifyAgainst = async (store: EventStore, signer: Signer, notes: readonly string[], witnesses: readonly TrustedKey[] = []) =>
  (await openLedger({ store, trust: [trusted(signer)] })).verify({ checkpoints: notes, witnesses });

/** An intruder with write access and a key of their own: envelopes sealed onto a stream's head, appended straight into the store. */
const forge = async (store: EventStore, intruder: Signer, ledgerId: string, facts: FactInput[], stream: string): Promise<Envelope[]> => {
  const last = await store.lastEvent(stream);
  const head = last === undefined ? undefined : { revision: Number(last.revision), hash: (last.data as { hash: string }).hash };
  const chained = chainWithText(facts as never, { ledger: ledgerId, stream, head, keyId: intruder.keyId, recordedAt: new Date().toISOString(), ids: facts.map(() => crypto.randomUUID()) });
  const events = chained.map(({ envelope, bodyText }) => {
    const sig = bytesToHex(intruder.sign(Buffer.from(envelope.hash, 'hex')));
    return { id: envelope.id, type: envelope.fact.type, data: { ...envelope, sig }, json: envelopeJson(bodyText, envelope.hash, sig) };
  });
  await store.append(stream, events, last === undefined ? 'no_stream' : last.revision);
  return chained.map((c) => c.envelope);
};

describe('someone with write access to the store and no key', () => {
  describe.each(['memory', 'sqlite'] as const)('on %s, against a checkpoint', (kind) => {
    const open = (name: string): { store: EventStore; sql?: () => Database.Database } => {
      if (kind === 'memory') return { store: memoryStore() };
      const path = join(dir, `${name}.db`);
      return { store: sqliteStore(path), sql: () => new Database(path) };
    };
    /** Reads the store through a lie: memory stores are tampered with on the way out, SQLite files for real. */
    const tamper = async (
      store: EventStore,
      sql: (() => Database.Database) | undefined,
      onSqlite: (db: Database.Database) => void,
      onRead: (events: RecordedEvent[]) => RecordedEvent[],
    ): Promise<EventStore> => {
      if (sql) {
        const db = sql();
        onSqlite(db);
        db.close();
        return store;
      }
      const all: RecordedEvent[] = [];
      for await (const e of store.readAll()) all.push(e);
      const kept = onRead(all);
      const byId = new Set(kept.map((e) => `${e.id}`));
      let i = 0;
      const order = kept.map((e) => e.id);
      // Hand the events back in the tampered order and set.
      return {
        ...lyingStore(store, (e) => (byId.has(e.id) ? e : undefined)),
        readAll: () => (async function* () { for (const id of order) { i++; yield kept.find((k) => k.id === id)!; } })(),
      };
    };

    it('the tail of the log deleted is CHECKPOINT_MISMATCH against a checkpoint held outside, never a clean verify', async () => {
      const { store, sql } = open('tail');
      const { signer, checkpoint, withdrawal } = await history(store);
      const tail = [withdrawal.id, checkpoint.recorded.id];
      const lying = await tamper(
        store,
        sql,
        (db) => db.prepare('DELETE FROM events WHERE id IN (?, ?)').run(...tail),
        (all) => all.filter((e) => !tail.includes(e.id)),
      );
      const r = await verifyAgainst(lying, signer, [checkpoint.note]);
      expect(r.findings).toEqual([expect.objectContaining({ code: 'CHECKPOINT_MISMATCH', message: expect.stringContaining('entries were deleted') })]);
      // The log alone cannot show that its own end is gone: that is why checkpoints leave the system.
      expect((await verifyAgainst(lying, signer, [])).findings).toEqual([]);
    });

    it('an entry deleted before a checkpoint the ledger recorded is CHECKPOINT_MISMATCH, even with no checkpoint given', async () => {
      const { store, sql } = open('inner');
      const { signer, withdrawal } = await history(store);
      const lying = await tamper(store, sql, (db) => db.prepare('DELETE FROM events WHERE id = ?').run(withdrawal.id), (all) => all.filter((e) => e.id !== withdrawal.id));
      expect(codes((await verifyAgainst(lying, signer, [])).findings)).toEqual(['CHECKPOINT_MISMATCH']);
    });

    it('a whole stream deleted is CHECKPOINT_MISMATCH', async () => {
      const { store, sql } = open('stream');
      const { signer, checkpoint } = await history(store);
      const lying = await tamper(store, sql, (db) => db.prepare("DELETE FROM events WHERE stream = 'subject-u-2'").run(), (all) => all.filter((e) => e.stream !== 'subject-u-2'));
      expect(codes((await verifyAgainst(lying, signer, [checkpoint.note])).findings)).toEqual(['CHECKPOINT_MISMATCH']);
    });

    it('neighbours of two streams swapped (a later justification folded first) is CHECKPOINT_MISMATCH', async () => {
      const { store, sql } = open('swap');
      const { signer, checkpoint } = await history(store);
      const all: RecordedEvent[] = [];
      for await (const e of store.readAll()) all.push(e);
      const [a, b] = [all.find((e) => e.stream === 'subject-u-2')!, all.find((e) => e.type === 'ConsentGranted')!];
      const lying = await tamper(
        store,
        sql,
        (db) => {
          db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(a.position);
          db.prepare('UPDATE events SET position = ? WHERE position = ?').run(a.position, b.position);
          db.prepare('UPDATE events SET position = ? WHERE position = -1').run(b.position);
        },
        (xs) => xs.map((e) => (e.id === a.id ? b : e.id === b.id ? a : e)),
      );
      const r = await verifyAgainst(lying, signer, [checkpoint.note]);
      expect(codes(r.findings)).toContain('CHECKPOINT_MISMATCH');
    });

    it.skipIf(kind === 'memory')('a row hidden by giving it a position before every other is still read, and the checkpoint no longer holds', async () => {
      const { store, sql } = open('hidden');
      const { signer, checkpoint, withdrawal } = await history(store);
      await tamper(store, sql, (db) => db.prepare('UPDATE events SET position = -9223372036854775808 WHERE id = ?').run(withdrawal.id), (xs) => xs);
      const r = await verifyAgainst(store, signer, [checkpoint.note]);
      expect(r.checked).toBe(checkpoint.size + 1); // every row read, the moved one too (and the checkpoint's own fact)
      expect(codes(r.findings)).toEqual(expect.arrayContaining(['CHECKPOINT_MISMATCH', 'REVISION_GAP']));
    });
  });

  it('a key they register for themselves is UNTRUSTED_KEY, and what it signs UNKNOWN_KEY, even without --trust', async () => {
    const store = memoryStore();
    const { ledger, clock } = await history(store);
    clock.set(day(8));
    const intruder = nodeSigner(randomSeed());
    await forge(store, intruder, ledger.identity!, [{ type: 'KeyRegistered', at: day(6), keyId: intruder.keyId, publicKey: bytesToHex(intruder.publicKey), owner: 'ops' }], 'keys');
    await forge(store, intruder, ledger.identity!, [{ ...ConsentGranted, at: day(6) }], 'subject-u-1');
    const r = await (await openLedger({ store })).verify();
    expect(codes(r.findings)).toEqual(['UNKNOWN_KEY', 'UNTRUSTED_KEY']);
    // And the forged consent becomes no proof: the live view refuses to answer.
    await expect(ledger.check({ ...DataUsed, purpose: 'personalization', at: day(7) })).rejects.toMatchObject({ code: 'INTEGRITY' });
  });

  it('a revocation not signed by a trusted key is not honoured: UNTRUSTED_REVOCATION, and the key still counts', async () => {
    const store = memoryStore();
    const { ledger, signer } = await history(store);
    const intruder = nodeSigner(randomSeed());
    const [revocation] = await forge(store, intruder, ledger.identity!, [{ type: 'KeyRevoked', at: day(6), keyId: signer.keyId, reason: 'intruder says so' }], 'keys');
    const r = await (await openLedger({ store })).verify();
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'UNTRUSTED_REVOCATION', eventId: revocation!.id })]));
    expect(r.keys.find((k) => k.keyId === signer.keyId)).toMatchObject({ revoked: false });
  });

  it('a revocation moved after the facts it should have stopped no longer matches the checkpoint', async () => {
    const store = memoryStore();
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store, signer });
    const old = nodeSigner(randomSeed());
    await ledger.record({ type: 'KeyRegistered', at: new Date().toISOString(), keyId: old.keyId, publicKey: bytesToHex(old.publicKey), owner: 'old' });
    const [revocation] = await ledger.record({ type: 'KeyRevoked', at: new Date().toISOString(), keyId: old.keyId, reason: 'laptop stolen' });
    const checkpoint = await ledger.checkpoint();
    // The stolen key signs on; read as stored, that is REVOKED_KEY.
    const [stolen] = await forge(store, old, ledger.identity!, [{ ...DataCollected, at: new Date().toISOString() }], 'subject-u-1');
    const honest = await verifyAgainst(store, signer, [checkpoint.note]);
    expect(honest.findings).toEqual([expect.objectContaining({ code: 'REVOKED_KEY', eventId: stolen!.id })]);
    // Moving the revocation after that fact hides REVOKED_KEY, but not from the checkpoint that committed to the order.
    const all: RecordedEvent[] = [];
    for await (const e of store.readAll()) all.push(e);
    const moved = [...all.filter((e) => e.id !== revocation!.id), all.find((e) => e.id === revocation!.id)!];
    const lying: EventStore = { ...store, readAll: () => (async function* () { yield* moved; })() };
    const r = await verifyAgainst(lying, signer, [checkpoint.note]);
    expect(codes(r.findings)).not.toContain('REVOKED_KEY');
    expect(codes(r.findings)).toContain('CHECKPOINT_MISMATCH');
  });

  it('a stream copied from another ledger signed by the same key is FOREIGN_LEDGER', async () => {
    const signer = nodeSigner(randomSeed());
    const [a, b] = [memoryStore(), memoryStore()];
    const la = await openLedger({ store: a, signer, origin: 'example.com/ledger-a' });
    const lb = await openLedger({ store: b, signer, origin: 'example.com/ledger-b' });
    await lb.record([{ ...DataCollected, subject: 'u-9' }, { ...DataUsed, subject: 'u-9' }], { backfill: true });
    for await (const e of b.readStream('subject-u-9')) {
      const data = e.data as Record<string, unknown>;
      await a.append('subject-u-9', [{ id: e.id, type: e.type, data }], 'any');
    }
    const r = await la.verify();
    expect(codes(r.findings)).toEqual(['FOREIGN_LEDGER']);
    expect(r.findings).toHaveLength(2);
  });

  it('a fact sealed into another subject’s stream is WRONG_STREAM', async () => {
    const store = memoryStore();
    const { ledger } = await history(store);
    const intruder = nodeSigner(randomSeed());
    const [misplaced] = await forge(store, intruder, ledger.identity!, [{ ...ConsentWithdrawn, subject: 'u-1', at: day(6) }], 'subject-u-2');
    const r = await (await openLedger({ store })).verify();
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'WRONG_STREAM', eventId: misplaced!.id })]));
  });
});

describe('an unsigned fact never reaches a report or a proof', () => {
  it('report and the live queries refuse a ledger with an unsigned forged consent (INTEGRITY), verify names it', async () => {
    const store = memoryStore();
    const { ledger, clock } = await history(store);
    clock.set(day(8));
    const intruder = nodeSigner(randomSeed());
    const [forged] = await forge(store, intruder, ledger.identity!, [{ ...ConsentGranted, subject: 'u-2', at: day(6) }], 'subject-u-2');
    for (const ask of [
      () => ledger.subjectReport('u-2'),
      () => ledger.consentAt('u-2', 'personalization', day(7)),
      () => ledger.check({ ...DataUsed, subject: 'u-2', purpose: 'personalization', at: day(7) }),
      () => ledger.disclosureRegister(),
    ]) {
      await expect(ask()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringContaining(forged!.id) });
    }
  });
});

describe('the key holder', () => {
  it('re-sealing history after a witnessed checkpoint: the witness refuses the next checkpoint, verify --checkpoint --witness fails', async () => {
    const store = memoryStore();
    const { signer, ledger, checkpoint } = await history(store);
    const witness = nodeSigner(randomSeed(), 'witness.example');
    const stateDir = join(dir, 'witness-state');
    const cosigned = await witnessCheckpoint({ note: checkpoint.note, logKeys: [trusted(signer)], signer: witness, stateDir, consistencyProof: (a, b) => ledger.consistencyProof(a, b) });
    expect((await verifyAgainst(store, signer, [cosigned.note], [trusted(witness)])).findings).toEqual([]);

    // The key holder rebuilds the ledger from scratch under the same identity and key, without the withdrawal.
    const rewritten = memoryStore();
    const forgedLedger = await openLedger({ store: rewritten, signer, origin: ledger.identity! });
    for await (const e of store.readAll()) {
      const env = e.data as Envelope;
      if (env.fact.type === 'KeyRegistered' || env.fact.type === 'PolicyPublished' || env.fact.type === 'ConsentWithdrawn' || env.fact.type === 'CheckpointRecorded') continue;
      await forgedLedger.record(env.fact as FactInput, { backfill: true });
    }
    const next = await forgedLedger.checkpoint();
    expect((await forgedLedger.verify()).findings).toEqual([]); // signed by the real key: it verifies on its own
    await expect(
      witnessCheckpoint({ note: next.note, logKeys: [trusted(signer)], signer: witness, stateDir, consistencyProof: (a, b) => forgedLedger.consistencyProof(a, b) }),
    ).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/fork|rollback/) });
    const held = await verifyAgainst(rewritten, signer, [cosigned.note], [trusted(witness)]);
    expect(codes(held.findings)).toEqual(['CHECKPOINT_MISMATCH']);
    // Its own fresh checkpoint carries no cosignature of the witness.
    const unwitnessed = await verifyAgainst(rewritten, signer, [next.note], [trusted(witness)]);
    expect(codes(unwitnessed.findings)).toEqual(['WITNESS_MISSING']);
  });

  it('a backdated consent is RECORDED_LATE and never justifies a use recorded before it; consentAt agrees with the audit', async () => {
    const store = memoryStore();
    const { ledger, clock } = await history(store);
    clock.set(day(10));
    const [use] = await ledger.record({ ...DataUsed, subject: 'u-2', purpose: 'personalization', at: day(10) });
    clock.set(day(12));
    const [late] = await ledger.record({ ...ConsentGranted, subject: 'u-2', at: day(9) }); // dated before the use, recorded after
    const { report } = await ledger.audit({ at: day(20) });
    const mine = report.violations.filter((v) => v.subject === 'u-2').map((v) => [v.code, v.eventId]);
    expect(mine).toEqual(expect.arrayContaining([['PURPOSE_NOT_DECLARED', use!.id], ['RECORDED_LATE', late!.id]]));
    expect(await ledger.consentAt('u-2', 'personalization', day(10))).toMatchObject({ state: 'none' });
    expect(await ledger.consentAt('u-2', 'personalization', day(13))).toMatchObject({ state: 'granted' });
  });

  it('a backdated notice does not cure a missed disclosure deadline', async () => {
    const store = memoryStore();
    const { ledger, clock } = await history(store);
    clock.set(day(6));
    const [disclosure] = await ledger.record({ ...sampleFacts.DataDisclosed, at: day(6), noticeDeferredUntil: undefined, deferralRef: undefined, legalRef: 'case 1' });
    clock.set('2026-05-01T00:00:00Z'); // long after the 30-day deadline
    const [notice] = await ledger.record({ type: 'SubjectNotified', at: day(7), subject: 'u-1', about: disclosure!.id, channel: 'email' });
    const { report } = await ledger.audit({ at: '2026-05-02T00:00:00Z' });
    const found = report.violations.map((v) => [v.code, v.eventId]);
    expect(found).toEqual(expect.arrayContaining([['DISCLOSURE_NOT_NOTIFIED', disclosure!.id], ['RECORDED_LATE', notice!.id]]));
    // The same notice recorded in time meets it.
    const honest = memoryStore();
    const h = await history(honest);
    h.clock.set(day(6));
    const [d2] = await h.ledger.record({ ...sampleFacts.DataDisclosed, at: day(6), noticeDeferredUntil: undefined, deferralRef: undefined, legalRef: 'case 1' });
    h.clock.set(day(7));
    await h.ledger.record({ type: 'SubjectNotified', at: day(7), subject: 'u-1', about: d2!.id, channel: 'email' });
    const ok = await h.ledger.audit({ at: '2026-05-02T00:00:00Z' });
    expect(ok.report.violations.map((v) => v.code)).not.toContain('DISCLOSURE_NOT_NOTIFIED');
  });

  it('history imported as declared backfill is judged by its own times, counted as asserted, and never RECORDED_LATE', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    await ledger.record([{ ...DataCollected, at: day(1) }, { ...DataUsed, at: day(2) }], { backfill: true });
    const { report } = await ledger.audit({ at: day(3) });
    expect(report.violations).toEqual([]);
    expect(report.summary.backfilled).toBe(2);
    const plain = await openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()) });
    await plain.record([{ ...DataCollected, at: day(1) }, { ...DataUsed, at: day(2) }]);
    expect((await plain.audit({ at: day(3) })).report.violations.map((v) => v.code)).toEqual(['RECORDED_LATE', 'RECORDED_LATE']);
  });
});

export type { Ledger };
