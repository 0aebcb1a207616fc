import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, cli } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-cli-cp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = () => new Date().toISOString();
const fact = (subject: string) =>
  JSON.stringify({ type: 'DataCollected', at: now(), subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' });

describe.skipIf(!built)('checkpoint, witness and verify --checkpoint --witness', () => {
  const ledger = join(dir, 'ledger.db');
  const keys = join(dir, 'keys');
  const state = join(dir, 'witness-state');

  it('a checkpoint the witness cosigned holds; after a deletion verify, audit and report exit 3, and the ledger signs no checkpoint of the cut log', () => {
    expect(cli(['keygen', '--out', keys, '--id', 'ops']).status).toBe(0);
    expect(cli(['keygen', '--out', keys, '--id', 'witness.example']).status).toBe(0);
    const facts = join(dir, 'facts.jsonl');
    writeFileSync(facts, [fact('u-1'), fact('u-2'), fact('u-3')].join('\n') + '\n');
    expect(cli(['import', facts, '--key', join(keys, 'ops.key'), '--ledger', ledger]).status).toBe(0);

    const cp = join(dir, 'cp1.txt');
    const made = cli(['checkpoint', '--key', join(keys, 'ops.key'), '--ledger', ledger, '--out', cp]);
    expect(made.status).toBe(0);
    expect(readFileSync(cp, 'utf8')).toMatch(/^privacy-ledger\.local\/[0-9a-f-]{36}\n5\n[A-Za-z0-9+/]{43}=\n\n— privacy-ledger\.local\/[0-9a-f-]{36} /);

    const cosigned = join(dir, 'cp1.cosigned.txt');
    const w = cli(['witness', cp, '--key', join(keys, 'witness.example.key'), '--state', state, '--trust', join(keys, 'ops.pub'), '--ledger', ledger, '--out', cosigned]);
    expect(w.stderr).toContain('first checkpoint seen for this log');
    expect(w.status).toBe(0);
    expect(readFileSync(cosigned, 'utf8').split('\n').filter((l) => l.startsWith('— '))).toHaveLength(2);

    const args = ['verify', '--ledger', ledger, '--trust', join(keys, 'ops.pub'), '--checkpoint', cosigned, '--witness', join(keys, 'witness.example.pub')];
    const ok = cli(args);
    expect(ok.stdout).toMatch(/checkpoint .* at 5 entries holds, cosigned by witness\.example/);
    expect(ok.status).toBe(0);
    // A checkpoint nobody cosigned does not satisfy --witness.
    expect(cli(['verify', '--ledger', ledger, '--trust', join(keys, 'ops.pub'), '--checkpoint', cp, '--witness', join(keys, 'witness.example.pub')]).status).toBe(3);

    // Someone with write access deletes a collection: the cosigned checkpoint no longer holds.
    const db = new Database(ledger);
    db.prepare("DELETE FROM events WHERE stream = (SELECT stream FROM events WHERE type = 'DataCollected' ORDER BY position LIMIT 1 OFFSET 1)").run(); // u-2's, by its place
    db.close();
    const bad = cli(args);
    expect(bad.stdout).toContain('CHECKPOINT_MISMATCH');
    expect(bad.status).toBe(3);
    for (const command of ['audit', 'report']) {
      const r = cli([command, ...args.slice(1), ...(command === 'report' ? ['--subject', 'u-1'] : [])]);
      expect([command, r.status]).toEqual([command, 3]);
    }

    // The key holder signs a checkpoint of the cut log: the witness refuses it as a rollback.
    const cp2 = join(dir, 'cp2.txt');
    expect(cli(['checkpoint', '--key', join(keys, 'ops.key'), '--ledger', ledger, '--out', cp2]).status).not.toBe(0); // the ledger itself no longer verifies
  });

  it('the witness refuses a fork: a checkpoint of another history under the same origin and key', () => {
    const forked = join(dir, 'forked.db');
    const origin = readFileSync(join(dir, 'cp1.txt'), 'utf8').split('\n')[0]!;
    // The key holder re-creates the ledger's identity and key elsewhere, with a different history of the same length.
    const facts = join(dir, 'other.jsonl');
    writeFileSync(facts, [fact('u-7'), fact('u-8'), fact('u-9')].join('\n') + '\n');
    expect(cli(['import', facts, '--key', join(keys, 'ops.key'), '--ledger', forked, '--origin', origin]).status).toBe(0);
    const cp = join(dir, 'fork.txt');
    expect(cli(['checkpoint', '--key', join(keys, 'ops.key'), '--ledger', forked, '--out', cp]).status).toBe(0);
    const w = cli(['witness', cp, '--key', join(keys, 'witness.example.key'), '--state', state, '--trust', join(keys, 'ops.pub'), '--ledger', forked]);
    expect(w.stderr).toMatch(/REFUSED: fork/);
    expect(w.status).toBe(3);
  });
});
