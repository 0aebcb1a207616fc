import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built, cli } from '../helpers/run.js';
import { ajv, schemaId, validate } from '../helpers/schemas.js';
import { COMMANDS } from '../../src/cli/commands.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-schemas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const AT = '2026-11-02T00:00:00Z';
const json = (args: string[]) => {
  const r = cli(args);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, unknown> & { schemaVersion: number; command: string };
};

describe.skipIf(!built)('JSON output: one versioned, documented schema per command', () => {
  const ledger = join(dir, 'demo', 'demo.db');
  let audit: { violations: { eventId: string; code: string }[]; uses: { eventId: string; lastEventId?: string }[]; disclosures: { eventId: string }[] };

  beforeAll(() => {
    expect(cli(['demo', '--dir', join(dir, 'demo'), '--subjects', '60', '--at', AT]).status).toBe(0);
    audit = json(['audit', '--ledger', ledger, '--at', AT, '--json']) as unknown as typeof audit;
  });

  it('every schema is one ajv compiles strictly, and every command named in the table has one', () => {
    const withJson = COMMANDS.filter((c) => c.options.some(([flag]) => flag === '--json')).map((c) => c.name);
    expect(withJson).toEqual(expect.arrayContaining(['verify', 'audit', 'report', 'explain', 'keys', 'erase', 'retention']));
    for (const c of withJson) expect(ajv.getSchema(schemaId(c)), c).toBeDefined();
  });

  it('verify, audit (grouped and --every-verdict), report, explain and keys list match their schemas', () => {
    const docs = [
      json(['verify', '--ledger', ledger, '--json']),
      json(['audit', '--ledger', ledger, '--at', AT, '--json']),
      json(['audit', '--ledger', ledger, '--at', AT, '--json', '--every-verdict']),
      json(['report', '--ledger', ledger, '--at', AT, '--json', '--subject', 'u-0001']),
      json(['report', '--ledger', ledger, '--at', AT, '--json', '--subject', 'u-9001']),
      ...[audit.violations[0]!.eventId, audit.uses[0]!.lastEventId ?? audit.uses[0]!.eventId, audit.disclosures[0]!.eventId].map((id) =>
        json(['explain', '--ledger', ledger, '--at', AT, '--json', '--event', id]),
      ),
      json(['keys', 'list', '--ledger', ledger, '--json']),
    ];
    for (const d of docs) {
      expect(d.schemaVersion).toBe(1);
      expect(typeof d.ledger === 'string' && d.ledger.startsWith('sqlite:')).toBe(true);
      expect(validate(d.command, d), d.command).toEqual([]);
    }
    // The violations of the demo are each of a different rule, every one of them in the schema's closed set.
    expect(new Set(audit.violations.map((v) => v.code)).size).toBe(13);
  });

  it('a tampered ledger’s findings match too, revision and position as numbers', () => {
    const tampered = join(dir, 'tampered.db');
    copyFileSync(ledger, tampered);
    const db = new Database(tampered);
    db.prepare("UPDATE events SET data = replace(data, '\"service-optimization\"', '\"service-optimizatioN\"') WHERE position = (SELECT min(position) FROM events WHERE type = 'DataUsed' AND data LIKE '%service-optimization%')").run();
    db.close();
    const r = cli(['verify', '--ledger', tampered, '--json']);
    expect(r.status).toBe(3);
    const doc = JSON.parse(r.stdout) as { findings: { revision: unknown; position: unknown }[] };
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(typeof doc.findings[0]!.revision).toBe('number');
    expect(typeof doc.findings[0]!.position).toBe('number');
    expect(validate('verify', doc)).toEqual([]);
  });

  it('the schemas refuse what they promise never to print: a number as a string, another time form, a missing version', () => {
    const good = json(['verify', '--ledger', ledger, '--json']);
    expect(validate('verify', { ...good, checked: String(good.checked) })).not.toEqual([]);
    expect(validate('verify', { ...good, schemaVersion: undefined })).not.toEqual([]);
    expect(validate('verify', { ...good, store: good.ledger })).not.toEqual([]);
    const report = json(['report', '--ledger', ledger, '--at', AT, '--json', '--subject', 'u-0001']);
    expect(validate('report', { ...report, at: '2026-11-02T00:00:00.000Z' })).not.toEqual([]);
    expect(validate('report', { ...report, at: '2026-11-02T01:00:00+01:00' })).not.toEqual([]);
  });

  it('explain refuses an id that is not a UUID and one the ledger does not hold', () => {
    const bad = cli(['explain', '--ledger', ledger, '--event', 'nope']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('an event id is a UUID');
    const missing = cli(['explain', '--ledger', ledger, '--event', '01900000-0000-7000-8000-00000000dead']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no event 01900000-0000-7000-8000-00000000dead');
  });
});
