import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, cli, type Run } from '../helpers/run.js';
import { validate } from '../helpers/schemas.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-cli-erase-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (d: number) => `2026-10-${String(d).padStart(2, '0')}T09:00:00Z`;
const jsonl = (...facts: object[]) => facts.map((f) => JSON.stringify(f)).join('\n') + '\n';

// Planted personal strings: after the erasure none may be in any file or any output.
const SUBJECT = 'carol-91xq';
const PLANTED = [SUBJECT, 'Carol-Q-Private-Clinic', 'order of judge Carol', 'phone call with Carol', 'carol-care-team'];
const consentId = '0190a000-0000-7000-8000-00000000e001';
const facts = (subject: string, recipient: string, [, , legalRef, method, actor] = PLANTED) => [
  { type: 'DataCollected', at: at(1), subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor },
  { type: 'ConsentGranted', at: at(2), subject, purposes: ['personalization'], policyVersion: 'seed-1', method, recipients: [recipient] },
  { type: 'DataUsed', at: at(3), subject, categories: ['user.contact.email'], purpose: 'personalization', actor },
  { type: 'DataUsed', at: at(3), subject, categories: ['user.contact.email'], purpose: 'profiling', actor },
  { type: 'DataDisclosed', at: at(4), subject, categories: ['user.contact.email'], recipient, reason: 'court-order', legalRef, actor },
  { type: 'SubjectNotified', at: at(5), subject, about: consentId, channel: 'email' },
];

describe.skipIf(!built)('privacy-ledger erase', () => {
  const ledger = join(dir, 'ledger.db');
  const keyStore = `${ledger}.keys`;
  const key = join(dir, 'keys', 'ops.key');
  const outputs: string[] = [];
  let eraseDoc: Record<string, unknown> | undefined;
  const run = (args: string[]): Run => {
    const r = cli(args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const filesOf = (prefix: string) => Buffer.concat(readdirSync(dir).filter((f) => f.startsWith(prefix)).map((f) => readFileSync(join(dir, f)))).toString('latin1');
  const verdicts = (audit: Run) => {
    const r = JSON.parse(audit.stdout) as { uses: { eventId: string; verdict: string; basis?: string; proof: unknown }[]; disclosures: { eventId: string; verdict: string; basis?: string }[]; violations: { code: string; eventId: string }[] };
    return JSON.stringify([r.uses.map((u) => [u.eventId, u.verdict, u.basis, u.proof]), r.disclosures.map((d) => [d.eventId, d.verdict, d.basis]), r.violations.map((v) => [v.code, v.eventId])]);
  };

  beforeAll(() => {
    expect(cli(['keygen', '--out', join(dir, 'keys'), '--id', 'ops']).status).toBe(0);
    writeFileSync(join(dir, 'facts.jsonl'), jsonl(...facts(SUBJECT, PLANTED[1]!), ...facts('dave-77', 'acme-ads', ['', '', 'case 5/2026', 'web form', 'dave-team'])));
    expect(cli(['import', join(dir, 'facts.jsonl'), '--key', key, '--ledger', ledger, '--backfill']).status).toBe(0);
  });

  it('erases the subject: verify clean, checkpoint holds, audit verdicts unchanged, report says erased, no trace in files or outputs', () => {
    expect(statSync(keyStore).mode & 0o777).toBe(0o600);
    const before = run(['report', '--ledger', ledger, '--subject', SUBJECT, '--at', at(20), '--json']);
    expect(JSON.parse(before.stdout)).toMatchObject({ subject: SUBJECT });
    expect(before.stdout).toContain(PLANTED[1]);
    outputs.length = 0; // what was shown before the erasure is the subject's own access report
    const checkpoint = join(dir, 'before.cp');
    expect(run(['checkpoint', '--ledger', ledger, '--key', key, '--out', checkpoint]).status).toBe(0);
    const auditBefore = run(['audit', '--ledger', ledger, '--at', at(20), '--json']);
    // explain shows the fact opened while the key exists: the subject's id and its free text.
    const useId = (JSON.parse(auditBefore.stdout) as { uses: { eventId: string; subject: string }[] }).uses.find((u) => u.subject === SUBJECT)!.eventId;
    const explainedBefore = run(['explain', '--ledger', ledger, '--event', useId, '--at', at(20), '--json']);
    expect(JSON.parse(explainedBefore.stdout).fact).toMatchObject({ subject: SUBJECT, actor: PLANTED[4] });
    expect(explainedBefore.stdout).not.toMatch(/sealed:|"subject": "ps-/);
    outputs.length = 0;

    const erased = run(['erase', '--ledger', ledger, '--subject', SUBJECT, '--key', key, '--json']);
    expect(erased.status).toBe(0);
    eraseDoc = JSON.parse(erased.stdout) as Record<string, unknown>;
    expect(validate('erase', eraseDoc)).toEqual([]);
    expect(eraseDoc).toMatchObject({ schemaVersion: 1, command: 'erase', ledger: expect.stringMatching(/^sqlite:/) });
    const { pseudonym, destroyedKeys } = eraseDoc as { pseudonym: string; destroyedKeys: string[] };
    expect(destroyedKeys).toHaveLength(1);

    expect(run(['verify', '--ledger', ledger, '--checkpoint', checkpoint]).status).toBe(0);
    const auditAfter = run(['audit', '--ledger', ledger, '--at', at(20), '--json']);
    expect(auditAfter.status).toBe(auditBefore.status);
    expect(verdicts(auditAfter)).toBe(verdicts(auditBefore));
    expect(auditAfter.stdout).toContain(pseudonym);
    expect(auditAfter.stdout).toContain('dave-77'); // the other subject is still shown by its id
    run(['audit', '--ledger', ledger, '--at', at(20)]);
    const report = run(['report', '--ledger', ledger, '--subject', SUBJECT, '--at', at(20), '--json']);
    expect(JSON.parse(report.stdout)).toMatchObject({ subject: pseudonym, erased: expect.any(String) });
    expect(run(['report', '--ledger', ledger, '--subject', SUBJECT, '--at', at(20)]).stdout).toMatch(/erased/);
    const explained = run(['explain', '--ledger', ledger, '--event', useId, '--at', at(20), '--json']);
    expect(JSON.parse(explained.stdout)).toMatchObject({ erased: true, fact: { subject: pseudonym } });
    expect(validate('explain', JSON.parse(explained.stdout))).toEqual([]);
    expect(run(['explain', '--ledger', ledger, '--event', useId, '--at', at(20)]).stdout).toContain('its subject was erased');

    const everything = [outputs.join('\n'), filesOf('ledger.db')].join('\n');
    for (const s of PLANTED) expect(everything.includes(s), `"${s}" is still somewhere`).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('ledger.db.keys'))).toEqual(['ledger.db.keys']);
  });

  it('erase --json is held to its schema: it refuses a subject id for a pseudonym, a key list as text, a missing event, anything extra', () => {
    const good = eraseDoc!;
    expect(validate('erase', good)).toEqual([]);
    expect(validate('erase', { ...good, pseudonym: SUBJECT })).not.toEqual([]);
    expect(validate('erase', { ...good, destroyedKeys: (good.destroyedKeys as string[]).join(',') })).not.toEqual([]);
    expect(validate('erase', { ...good, eventId: undefined })).not.toEqual([]);
    expect(validate('erase', { ...good, eventId: 'not-a-uuid' })).not.toEqual([]);
    expect(validate('erase', { ...good, subject: SUBJECT })).not.toEqual([]);
    expect(validate('erase', { ...good, schemaVersion: 2 })).not.toEqual([]);
  });

  it('refuses to erase without --subject or --key, and on a ledger recorded in clear', () => {
    expect(cli(['erase', '--ledger', ledger, '--key', key]).stderr).toContain('--subject ID is required');
    expect(cli(['erase', '--ledger', ledger, '--subject', 'dave-77']).stderr).toContain('--key FILE is required');
    const clear = cli(['erase', '--ledger', ledger, '--keys', join(dir, 'nowhere.keys'), '--subject', 'dave-77', '--key', key]);
    expect(clear.status).toBe(1);
    expect(clear.stderr).toContain('no key store at');
    expect(clear.stderr).not.toContain('dave-77');
  });
});
