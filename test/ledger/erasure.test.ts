import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import type { FactInput } from '../../src/domain/facts.js';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryKeyStore, type KeyStore } from '../../src/store/key-store.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { sqliteKeyStore } from '../../src/store/sqlite-key-store.js';
import { sqliteStore } from '../../src/store/sqlite.js';
import { postgresTestStore } from '../helpers/postgres.js';
import { verifyBundle } from '../../src/verify.js';
import { eventStoreDBStoreFromConnectionString } from '../../src/store/eventstoredb.js';
import { startEmulator, type Emulator } from '../esdb/emulator.js';

// EventStoreDB: the in-process emulator of its protocol, or the server EVENTSTORE_URL names.
let emulator: Emulator | undefined;
let esdbUrl = process.env.EVENTSTORE_URL ?? '';
beforeAll(async () => {
  if (esdbUrl === '') {
    emulator = await startEmulator();
    esdbUrl = emulator.connectionString;
  }
});
afterAll(async () => emulator?.stop());

// Planted personal strings: none may be found anywhere once the subject is erased.
const SUBJECT = 'alice-7f3e';
const RECIPIENT = 'Dr-Jane-Roe-Clinic';
const LEGAL_REF = 'case Roe v. Alice 2026';
const METHOD = 'signed form of Alice Example';
const ACTOR = 'agent Alice-Helper';
const PLANTED = [SUBJECT, RECIPIENT, LEGAL_REF, METHOD, ACTOR];
const OTHER = 'bob-2c19';

const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n, 9)).toISOString().replace('.000Z', 'Z');
const consentId = '0190a000-0000-7000-8000-00000000c001';

const history = (subject: string): FactInput[] => [
  { type: 'DataCollected', at: day(0), subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: ACTOR },
  { type: 'ConsentGranted', id: consentId, at: day(1), subject, purposes: ['personalization'], policyVersion: 'seed-1', method: METHOD, recipients: [RECIPIENT] },
  { type: 'DataUsed', at: day(2), subject, categories: ['user.contact.email'], purpose: 'personalization', actor: ACTOR },
  { type: 'DataUsed', at: day(2), subject, categories: ['user.contact.email'], purpose: 'provide-service', actor: ACTOR },
  { type: 'DataDisclosed', at: day(3), subject, categories: ['user.contact.email'], recipient: RECIPIENT, reason: 'user-authorization', consentRef: consentId, actor: ACTOR },
  { type: 'DataDisclosed', at: day(3), subject, categories: ['user.contact.email'], recipient: 'tax-office', reason: 'court-order', legalRef: LEGAL_REF, actor: ACTOR },
  { type: 'DataUsed', at: day(4), subject, categories: ['user.location'], purpose: 'ads', actor: ACTOR },
  { type: 'ErasureRequested', at: day(5), subject },
];

const clock = () => new Date(Date.UTC(2026, 10, 9));
const now = day(7);

/** Every byte of the files whose name starts with `base` (the database, its journal or WAL). */
const filesOf = (base: string): Buffer => {
  const dir = join(base, '..');
  const name = base.slice(dir.length + 1);
  return Buffer.concat(readdirSync(dir).filter((f) => f.startsWith(name)).map((f) => readFileSync(join(dir, f))));
};

const dumpOf = async (store: EventStore): Promise<string> => {
  const rows: string[] = [];
  for await (const e of store.readAll()) rows.push(e.stream, e.id, e.type, JSON.stringify(e.data));
  return rows.join('\n');
};

const expectNone = (text: string, where: string): void => {
  for (const s of PLANTED) expect(text.includes(s), `${where} still holds "${s}"`).toBe(false);
};

interface Setup {
  readonly store: () => EventStore;
  readonly keys: () => KeyStore;
  /** The store's and key store's files, when they are files. */
  readonly files?: { readonly store: string; readonly keys: string };
}

const sqliteSetup = (): Setup => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-erase-'));
  const files = { store: join(dir, 'ledger.db'), keys: join(dir, 'ledger.db.keys') };
  return { store: () => sqliteStore(files.store), keys: () => sqliteKeyStore(files.keys), files };
};
const memorySetup = (): Setup => {
  const store = memoryStore();
  const keys = memoryKeyStore();
  return { store: () => store, keys: () => keys };
};
const esdbSetup = (): Setup => {
  const store = eventStoreDBStoreFromConnectionString(esdbUrl, { prefix: `erase${Date.now().toString(36)}-` });
  const keys = memoryKeyStore();
  return { store: () => store, keys: () => keys };
};
const postgresSetup = (): Setup => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-erase-pg-'));
  const store = postgresTestStore();
  return { store: () => store, keys: () => sqliteKeyStore(join(dir, 'keys')) };
};

/** The verdicts of the audit on the subject's events, as judged: event, verdict, basis, proof, codes, without the text. */
const verdictsOn = (audit: Awaited<ReturnType<Ledger['audit']>>, eventIds: ReadonlySet<string>) =>
  JSON.stringify({
    uses: audit.report.uses.filter((u) => eventIds.has(u.eventId)).map((u) => [u.eventId, u.verdict, u.basis, u.proof, u.codes]),
    disclosures: audit.report.disclosures.filter((d) => eventIds.has(d.eventId)).map((d) => [d.eventId, d.verdict, d.basis, d.proof, d.notice]),
    violations: audit.report.violations.filter((v) => eventIds.has(v.eventId)).map((v) => [v.code, v.eventId, v.evidence]),
  });

describe.each([
  ['memory', memorySetup],
  ['SQLite', sqliteSetup],
  ['PostgreSQL', postgresSetup],
  ['EventStoreDB', esdbSetup],
])('erasing a subject on %s', (_name, setup) => {
  it('leaves the person nowhere, while verify, checkpoints and the audit verdicts stand as before', async () => {
    const s = setup();
    const signer = nodeSigner(randomSeed());
    const ledger = await openLedger({ store: s.store(), signer, keyStore: s.keys(), clock });
    const recorded = await ledger.record([...history(SUBJECT), ...history(OTHER).slice(0, 3).map((f) => ({ ...f, id: undefined }))], { backfill: true });
    const mine = new Set(recorded.slice(0, history(SUBJECT).length).map((r) => r.id));

    // Pseudonymous from the start: no stream name and no stored row names the subject or its free text.
    const sealedDump = await dumpOf(ledger.store);
    expectNone(sealedDump, 'the store before erasure');
    expect(sealedDump).not.toContain(OTHER);
    // The operator, holding the keys, still reads the subject's report in clear.
    const before = await ledger.subjectReport(SUBJECT, now);
    expect(before.subject).toBe(SUBJECT);
    expect(JSON.stringify(before)).toContain(RECIPIENT);
    expect(before.disclosed.find((d) => d.reason === 'user-authorization')).toMatchObject({ verdict: 'ok', recipient: RECIPIENT });

    const checkpoint = await ledger.checkpoint();
    const auditBefore = await ledger.audit({ at: now });
    const consentUse = recorded[2]!.id;
    const bundleBefore = JSON.stringify(await ledger.prove(consentUse, { checkpoint: checkpoint.note }));
    const erasure = await ledger.erase(SUBJECT);
    expect(erasure.destroyedKeys.length).toBe(1);
    expect(erasure.pseudonym).toMatch(/^ps-[0-9a-f]{32}$/);

    const verified = await ledger.verify({ checkpoints: [checkpoint.note] });
    expect(verified.findings).toEqual([]);
    expect(verified.checkpoints.map((c) => c.held)).toEqual([true]);
    const auditAfter = await ledger.audit({ at: now });
    expect(auditAfter.integrity.findings).toEqual([]);
    // The same verdicts on the same facts, with their basis: the fold never needed the key.
    expect(verdictsOn(auditAfter, mine)).toBe(verdictsOn(auditBefore, mine));
    expect(auditBefore.report.uses.filter((u) => mine.has(u.eventId)).map((u) => u.subject)).toEqual([SUBJECT, SUBJECT, SUBJECT]); // the operator's audit, keys at hand
    expect(auditAfter.report.uses.filter((u) => mine.has(u.eventId)).map((u) => [u.subject, u.basis])).toEqual([
      [erasure.pseudonym, 'consent'], [erasure.pseudonym, 'collection-purpose'], [erasure.pseudonym, undefined],
    ]);
    expect(auditAfter.report.violations.filter((v) => mine.has(v.eventId)).map((v) => v.code)).toEqual(['USE_WITHOUT_COLLECTION']);

    // A verdict bundle carries the envelopes as stored: made before or after the erasure, it verifies
    // with public keys alone and re-derives the same verdict, and names no one.
    const trust = [{ keyId: signer.keyId, publicKey: signer.publicKey }];
    const bundleAfter = JSON.stringify(await ledger.prove(consentUse, { checkpoint: checkpoint.note }));
    for (const b of [bundleBefore, bundleAfter]) {
      const r = await verifyBundle(b, { trust });
      expect(r.failed).toEqual([]);
      expect(r.derived).toMatchObject({ verdict: 'ok', basis: 'consent' });
    }
    expectNone(bundleAfter, 'the bundle after erasure');

    const report = await ledger.subjectReport(SUBJECT, now);
    expect(report.erased).toBe(clock().toISOString());
    expect(report.subject).toBe(erasure.pseudonym);
    expect(report.used.length).toBe(before.used.length);
    const outputs = [JSON.stringify(report), JSON.stringify(auditAfter.report), JSON.stringify(verified), JSON.stringify(erasure)].join('\n');
    expectNone(outputs, 'the outputs after erasure');
    expectNone(await dumpOf(ledger.store), 'the store after erasure');
    // The other subject is untouched and still reads in clear.
    expect((await ledger.subjectReport(OTHER, now)).used.length).toBe(1);
    await ledger.close();
    if (s.files) {
      expectNone(filesOf(s.files.store).toString('latin1'), 'the store file');
      expectNone(filesOf(s.files.keys).toString('latin1'), 'the key store file');
    }
  });
}, 60_000);

describe('the key store file after an erasure', () => {
  it('holds no copy of the destroyed key: not in the file, its WAL or the ledger\'s caches', async () => {
    const s = sqliteSetup();
    const keys = s.keys();
    const ledger = await openLedger({ store: s.store(), signer: nodeSigner(randomSeed()), keyStore: keys, clock });
    const [r] = await ledger.record(history(SUBJECT)[0]!);
    const pseudonym = r!.stream.replace('subject-', '');
    const key = (await keys.currentKeys([pseudonym], false)).get(pseudonym)!;
    const raw = Buffer.from(key.key);
    expect(filesOf(s.files!.keys).includes(raw)).toBe(true); // the test can see a key where there is one
    await ledger.erase(SUBJECT, now);
    expect(await keys.keyById(key.keyId)).toBeUndefined();
    expect((await keys.currentKeys([pseudonym], false)).size).toBe(0);
    // The WAL is checkpointed and truncated: empty. (The -shm file indexes frames; it holds no page.)
    expect(statSync(`${s.files!.keys}-wal`).size).toBe(0);
    expect(readdirSync(join(s.files!.keys, '..')).filter((f) => f.startsWith('ledger.db.keys')).sort()).toEqual(['ledger.db.keys', 'ledger.db.keys-shm', 'ledger.db.keys-wal']);
    expect(filesOf(s.files!.keys).includes(raw)).toBe(false);
    expect(filesOf(s.files!.keys).includes(Buffer.from(raw.toString('hex')))).toBe(false);
    expect(statSync(s.files!.keys).mode & 0o777).toBe(0o600);
    // The live view and queries answer without it: the report says erased, nothing opens.
    expect((await ledger.subjectReport(SUBJECT, now)).erased).toBe(now);
    await ledger.close();
  });

  it('refuses the erased keys of a key store restored from a backup, and destroys them again', async () => {
    const s = sqliteSetup();
    const signer = nodeSigner(randomSeed());
    let ledger = await openLedger({ store: s.store(), signer, keyStore: s.keys(), clock });
    await ledger.record(history(SUBJECT).slice(0, 3));
    await ledger.close();
    copyFileSync(s.files!.keys, s.files!.keys + '.backup');
    ledger = await openLedger({ store: s.store(), signer, keyStore: s.keys(), clock });
    const { destroyedKeys } = await ledger.erase(SUBJECT, now);
    await ledger.close();

    copyFileSync(s.files!.keys + '.backup', s.files!.keys); // the restore an operator might do
    const restored = s.keys();
    expect(await restored.keyById(destroyedKeys[0]!)).toBeDefined(); // the backup did bring it back
    ledger = await openLedger({ store: s.store(), signer, keyStore: restored, clock });
    const report = await ledger.subjectReport(SUBJECT, now);
    expect(report.erased).toBe(now);
    expectNone(JSON.stringify(report), 'the report on a restored key store');
    // A later fact about the subject is sealed under a new key; the erased one is destroyed again.
    const [late] = await ledger.record({ type: 'DataUsed', at: now, subject: SUBJECT, categories: ['user.contact.email'], purpose: 'provide-service', actor: 'late-job' });
    expect(late!.verdict?.codes).toContain('USE_AFTER_ERASURE');
    expect(await restored.keyById(destroyedKeys[0]!)).toBeUndefined();
    expect(filesOf(s.files!.keys).includes(Buffer.from(SUBJECT))).toBe(false);
    // That later fact opens under its new key, but the erased subject stays a pseudonym in the
    // operator's audit and retention list: on the late fact and on every erased one.
    const audit = await ledger.audit({ at: now });
    expect(audit.report.uses.length).toBeGreaterThan(1);
    expectNone(JSON.stringify(audit.report), 'the audit after a fact recorded past the erasure');
    expectNone(JSON.stringify(await ledger.retention(now)), 'the retention list after a fact recorded past the erasure');
    await ledger.close();
  });
});

describe('sealed facts', () => {
  const open = () => openLedger({ store: memoryStore(), signer: nodeSigner(randomSeed()), keyStore: memoryKeyStore(), clock });

  it('recognise an idempotent retry by its decrypted content, and refuse the id reused for another fact', async () => {
    const ledger = await open();
    const fact = { ...history(SUBJECT)[4]!, id: '0190a000-0000-7000-8000-0000000000d1' } as FactInput;
    await ledger.record(history(SUBJECT).slice(0, 2));
    const [first] = await ledger.record(fact);
    const [again] = await ledger.record(fact);
    expect([first!.duplicate, again!.duplicate, again!.hash]).toEqual([false, true, first!.hash]);
    const err = await ledger.record({ ...fact, recipient: 'someone-else' } as FactInput).catch((e: unknown) => e);
    expect(isLedgerError(err, 'DUPLICATE_EVENT_ID')).toBe(true);
  });

  it('judge a consent recipient by its tag: the named recipient is covered, another is not', async () => {
    const ledger = await open();
    await ledger.record(history(SUBJECT).slice(0, 2));
    const ok = await ledger.check(history(SUBJECT)[4]!, day(3));
    expect(ok.verdict).toBe('ok');
    const other = await ledger.check({ ...history(SUBJECT)[4]!, recipient: 'acme-ads' } as FactInput, day(3));
    expect(other.codes).toEqual(['DISCLOSURE_MISSING_REFERENCE']);
  });

  it('are refused by erase() on a ledger without a key store, which records in clear', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), clock });
    await ledger.record(history(SUBJECT)[0]!);
    expect(await dumpOf(store)).toContain(`subject-${SUBJECT}`);
    const err = await ledger.erase(SUBJECT).catch((e: unknown) => e);
    expect(isLedgerError(err, 'INVALID_INPUT')).toBe(true);
  });

  it('refuse a key store file readable by others', async () => {
    const s = sqliteSetup();
    (await import('node:fs')).writeFileSync(s.files!.keys, '', { mode: 0o644 });
    (await import('node:fs')).chmodSync(s.files!.keys, 0o644);
    expect(() => s.keys()).toThrow(/readable by group or others/);
    expect(existsSync(s.files!.keys)).toBe(true);
  });
});

describe('a personal value sealed once in its subject\'s stream', () => {
  const boxedFacts = async (store: EventStore): Promise<{ type: string; sealed: boolean }[]> => {
    const out: { type: string; sealed: boolean }[] = [];
    for await (const e of store.readAll()) if (e.stream.startsWith('subject-')) out.push({ type: e.type, sealed: (e.data as { sealed?: unknown }).sealed !== undefined });
    return out;
  };
  const uses = (n: number, actor = ACTOR): FactInput[] =>
    Array.from({ length: n }, (_, i) => ({ type: 'DataUsed', at: day(2), subject: SUBJECT, categories: ['user.contact.email'], purpose: i % 2 ? 'provide-service' : 'personalization', actor }));

  it('boxes a value the first time only, in one call and across calls, and every fact still opens in full', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), keyStore: memoryKeyStore(), clock });
    await ledger.record(history(SUBJECT).slice(0, 1));
    await ledger.record(uses(5));
    await ledger.record(uses(2, 'agent Bob-Helper'));
    // The first fact seals the subject and its actor; the uses by the same actor lean on it; the first use by another boxes that one.
    expect((await boxedFacts(store)).map((f) => f.sealed)).toEqual([true, false, false, false, false, false, true, false]);
    const ids: string[] = [];
    for await (const e of store.readAll()) if (e.stream.startsWith('subject-')) ids.push(e.id);
    for (const [i, actor] of [[0, ACTOR], [4, ACTOR], [6, 'agent Bob-Helper'], [7, 'agent Bob-Helper']] as const) {
      expect((await ledger.explain(ids[i]!, now)).fact, `fact ${i}`).toMatchObject({ subject: SUBJECT, actor });
    }
    const audit = await ledger.audit({ at: now });
    expect(JSON.stringify(audit.report)).not.toMatch(/sealed:[A-Za-z0-9_-]{16}|ps-[0-9a-f]{32}/);
    const erased = await ledger.erase(SUBJECT);
    expect(erased).toBeDefined();
    expectNone(JSON.stringify(await ledger.subjectReport(SUBJECT, now)), 'the report after erasure');
    expectNone(JSON.stringify((await ledger.explain(ids[4]!, now)).fact), 'an explained fact after erasure');
    await ledger.close();
  });

  it('boxes again after an append that failed: a value is taken as sealed only once a fact holding it is in the store', async () => {
    const inner = memoryStore();
    let refuse = true;
    const store: EventStore = {
      ...inner,
      append: async (stream, events, expected) => {
        if (refuse) throw new Error('disk full');
        return inner.append(stream, events, expected);
      },
      appendMany: async (appends) => {
        if (refuse) throw new Error('disk full');
        return inner.appendMany!(appends);
      },
    };
    refuse = false;
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), keyStore: memoryKeyStore(), clock, maxRetries: 0 });
    refuse = true;
    await expect(ledger.record(uses(3))).rejects.toThrow(/disk full/);
    refuse = false;
    await ledger.record(uses(3));
    expect((await boxedFacts(inner)).map((f) => f.sealed)).toEqual([true, false, false]);
    let last = '';
    for await (const e of inner.readAll()) last = e.id;
    expect((await ledger.explain(last, now)).fact).toMatchObject({ subject: SUBJECT, actor: ACTOR });
    await ledger.close();
  });

  it('boxes again in a ledger opened anew, which knows nothing of what the last one sealed', async () => {
    const store = memoryStore();
    const keys = memoryKeyStore();
    const seed = randomSeed();
    const first = await openLedger({ store: { ...store, close: async () => undefined }, signer: nodeSigner(seed), keyStore: { ...keys, close: async () => undefined }, clock });
    await first.record(uses(2));
    await first.close();
    const second = await openLedger({ store, signer: nodeSigner(seed), keyStore: keys, clock });
    await second.record(uses(2));
    expect((await boxedFacts(store)).map((f) => f.sealed)).toEqual([true, false, true, false]);
    await second.close();
  });

  it('recognises a retry of a fact that carried a box, whose retry would not, and refuses the id for another actor', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), keyStore: memoryKeyStore(), clock });
    const fact = { ...uses(1)[0]!, id: '0190a000-0000-7000-8000-0000000000e1' } as FactInput;
    const [first] = await ledger.record(fact);
    const [again] = await ledger.record([uses(1)[0]!, fact]);
    expect([first!.duplicate, again!.duplicate]).toEqual([false, false]);
    const results = await ledger.record(fact);
    expect(results[0]).toMatchObject({ duplicate: true, hash: first!.hash });
    const err = await ledger.record({ ...fact, actor: 'agent Eve' } as FactInput).catch((e: unknown) => e);
    expect(isLedgerError(err, 'DUPLICATE_EVENT_ID')).toBe(true);
    await ledger.close();
  });
});
