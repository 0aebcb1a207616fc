import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, cli } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fact = { type: 'DataCollected', at: '2026-10-01T09:00:00Z', subject: 'u-1', categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' };

interface KeysDoc {
  schemaVersion: number;
  keys: { keyId: string; endorsedBy: string; revoked?: { by: string; reason: string } }[];
}

describe.skipIf(!built)('privacy-ledger keys', () => {
  const ledger = join(dir, 'ledger.db');
  const key = (id: string) => join(dir, 'keys', `${id}.key`);
  const pub = (id: string) => join(dir, 'keys', `${id}.pub`);
  const keys = (): KeysDoc => JSON.parse(cli(['keys', 'list', '--json', '--ledger', ledger]).stdout) as KeysDoc;
  const signerOf = (type: string, keyId: string) => {
    const db = new Database(ledger, { readonly: true });
    const rows = db.prepare("SELECT data FROM events WHERE stream = 'keys' AND type = ?").all(type) as { data: string }[];
    db.close();
    return rows.map((r) => JSON.parse(r.data) as { keyId: string; fact: { keyId: string } }).find((e) => e.fact.keyId === keyId)?.keyId;
  };

  beforeAll(() => {
    for (const id of ['ops', 'ops-2026', 'stranger']) expect(cli(['keygen', '--out', join(dir, 'keys'), '--id', id]).status).toBe(0);
    writeFileSync(join(dir, 'one.jsonl'), JSON.stringify(fact) + '\n');
    expect(cli(['import', join(dir, 'one.jsonl'), '--key', key('ops'), '--ledger', ledger]).status).toBe(0);
  });

  it('lists the ledger’s own key, registered by itself', () => {
    expect(keys()).toMatchObject({ schemaVersion: 1, keys: [{ keyId: 'ops', endorsedBy: 'ops' }] });
    expect(cli(['keys', 'list', '--ledger', ledger]).stdout).toContain('ops  ');
  });

  it('adds a key endorsed by the current one: a KeyRegistered signed by the current key', () => {
    const r = cli(['keys', 'add', pub('ops-2026'), '--endorse-with', key('ops'), '--ledger', ledger]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(signerOf('KeyRegistered', 'ops-2026')).toBe('ops');
    expect(keys().keys).toContainEqual(expect.objectContaining({ keyId: 'ops-2026', endorsedBy: 'ops' }));
    // Adding it again records nothing.
    expect(cli(['keys', 'add', pub('ops-2026'), '--endorse-with', key('ops'), '--ledger', ledger]).stdout).toContain('registered already');
    expect(keys().keys).toHaveLength(2);
  });

  it('refuses an endorsement by a key the ledger does not hold, recording nothing', () => {
    const r = cli(['keys', 'add', pub('stranger'), '--endorse-with', key('stranger'), '--ledger', ledger]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is not a key of this ledger');
    expect(keys().keys.map((k) => k.keyId)).toEqual(['ops', 'ops-2026']);
    expect(cli(['keys', 'add', pub('stranger'), '--ledger', ledger]).stderr).toContain('--endorse-with CURRENT.key is required');
    expect(cli(['keys', 'list', '--ledger', join(dir, 'typo.db')]).status).toBe(1);
    expect(cli(['keys', 'rotate', '--ledger', ledger]).stderr).toContain('keys needs one of list, add, revoke, not "rotate"');
  });

  it('revokes a key with another current key: a KeyRevoked signed by it; the revoked key signs nothing more', () => {
    expect(cli(['keys', 'revoke', 'ops', '--reason', 'rotated', '--key', key('ops'), '--ledger', ledger]).stderr).toContain('a key does not revoke itself');
    expect(cli(['keys', 'revoke', 'nobody', '--reason', 'x', '--key', key('ops'), '--ledger', ledger]).stderr).toContain('no key "nobody"');
    const r = cli(['keys', 'revoke', 'ops', '--reason', 'rotated', '--key', key('ops-2026'), '--ledger', ledger]);
    expect(r.status).toBe(0);
    expect(signerOf('KeyRevoked', 'ops')).toBe('ops-2026');
    expect(keys().keys.find((k) => k.keyId === 'ops')).toMatchObject({ revoked: { by: 'ops-2026', reason: 'rotated' } });
    const again = cli(['import', join(dir, 'one.jsonl'), '--key', key('ops'), '--ledger', ledger]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('was revoked');
    expect(cli(['keys', 'revoke', 'ops', '--reason', 'x', '--key', key('ops-2026'), '--ledger', ledger]).stderr).toContain('revoked already');
    // A revoked key endorses nothing.
    expect(cli(['keys', 'add', pub('stranger'), '--endorse-with', key('ops'), '--ledger', ledger]).stderr).toContain('was revoked');
    expect(cli(['verify', '--ledger', ledger]).status).toBe(0);
  });
});
