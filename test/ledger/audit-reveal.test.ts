import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FactInput } from '../../src/domain/facts.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryKeyStore } from '../../src/store/key-store.js';
import { memoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { sqliteKeyStore } from '../../src/store/sqlite-key-store.js';
import { sqliteStore } from '../../src/store/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-audit-reveal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Planted personal strings of the subject to be erased: none may be shown once it is.
const SUBJECT = 'erin-4q9z';
const ACTOR = 'agent Erin-Helper';
const RECIPIENT = 'Erin-Private-Clinic';
const LEGAL_REF = 'order of judge Erin';
const PLANTED = [SUBJECT, ACTOR, RECIPIENT, LEGAL_REF];
/** What the report shows of a subject: its id, and the sealed text of its disclosures. */
const SHOWN = [SUBJECT, RECIPIENT, LEGAL_REF];
const OTHER = 'frank-3m8v';
const OTHER_RECIPIENT = 'Frank-Tax-Advisor';

const day = (n: number) => new Date(Date.UTC(2026, 10, 1 + n, 9)).toISOString();
const history = (subject: string, actor: string, recipient: string, legalRef: string): FactInput[] => [
  { type: 'DataCollected', at: day(0), subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor },
  { type: 'ConsentGranted', at: day(1), subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'web-form', recipients: [recipient] },
  { type: 'DataUsed', at: day(2), subject, categories: ['user.contact.email'], purpose: 'personalization', actor },
  { type: 'DataDisclosed', at: day(3), subject, categories: ['user.contact.email'], recipient, reason: 'court-order', legalRef, actor },
];
const both = [...history(SUBJECT, ACTOR, RECIPIENT, LEGAL_REF), ...history(OTHER, 'frank-team', OTHER_RECIPIENT, 'case 5/2026')];
const clock = () => new Date(Date.UTC(2026, 10, 9));
const at = day(7);

/** The store, counting the passes over the whole log made through it. */
const counting = (inner: EventStore): EventStore & { passes: number } => {
  const store = { ...inner, passes: 0, readAll: (o?: Parameters<EventStore['readAll']>[0]) => (store.passes++, inner.readAll(o)) };
  return store;
};

describe('audit with a key store', () => {
  it('reads the log once: what it shows opened is learned in its own verified pass', async () => {
    const store = counting(memoryStore());
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()), keyStore: memoryKeyStore(), clock });
    await ledger.record(both, { backfill: true });

    store.passes = 0;
    const before = await ledger.audit({ at, keepEveryVerdict: true });
    expect(store.passes).toBe(1);
    const shown = JSON.stringify(before.report);
    for (const s of [...SHOWN, OTHER, OTHER_RECIPIENT]) expect(shown).toContain(s); // opened: ids and sealed text
    expect(shown).not.toMatch(/sealed:[A-Za-z0-9_-]{16}/);

    await ledger.erase(SUBJECT, at);
    store.passes = 0;
    const after = await ledger.audit({ at, keepEveryVerdict: true });
    expect(store.passes).toBe(1);
    const text = JSON.stringify(after.report) + JSON.stringify(after.reveal(after.state.useLog));
    for (const s of PLANTED) expect(text.includes(s), `the audit still shows "${s}"`).toBe(false);
    expect(text).toContain(OTHER);
    expect(text).toContain(OTHER_RECIPIENT);

    // Without revealing, the same single pass, and the report as judged: pseudonyms only.
    store.passes = 0;
    const judged = await ledger.audit({ at, reveal: false });
    expect(store.passes).toBe(1);
    expect(JSON.stringify(judged.report)).not.toContain(OTHER);
    await ledger.close();
  });

  it('shows nothing of an erased subject even when a restored key store holds its key again', async () => {
    const files = { store: join(dir, 'ledger.db'), keys: join(dir, 'ledger.db.keys') };
    const signer = nodeSigner(randomSeed());
    let ledger = await openLedger({ store: sqliteStore(files.store), signer, keyStore: sqliteKeyStore(files.keys), clock });
    await ledger.record(both, { backfill: true });
    await ledger.close();
    copyFileSync(files.keys, `${files.keys}.backup`);
    ledger = await openLedger({ store: sqliteStore(files.store), signer, keyStore: sqliteKeyStore(files.keys), clock });
    const { destroyedKeys } = await ledger.erase(SUBJECT, at);
    await ledger.close();

    // The operator restores the backup: the erased key is back, and every sealed fact of the subject
    // comes before the erasure in the log, so a pass that opened as it went would open them.
    copyFileSync(`${files.keys}.backup`, files.keys);
    const restored = sqliteKeyStore(files.keys);
    expect(await restored.keyById(destroyedKeys[0]!)).toBeDefined();
    const store = counting(sqliteStore(files.store));
    ledger = await openLedger({ store, keyStore: restored, clock });
    store.passes = 0;
    const audit = await ledger.audit({ at, keepEveryVerdict: true });
    expect(store.passes).toBe(1);
    expect(audit.integrity.findings).toEqual([]);
    const text = JSON.stringify(audit.report) + JSON.stringify(audit.reveal(audit.state.useLog));
    for (const s of PLANTED) expect(text.includes(s), `the audit still shows "${s}"`).toBe(false);
    expect(text).toContain(OTHER_RECIPIENT);
    // retention() opens in a pass of its own, and drops the same.
    const due = JSON.stringify(await ledger.retention(at));
    for (const s of PLANTED) expect(due.includes(s), `retention still shows "${s}"`).toBe(false);
    await ledger.close();
  });
});
