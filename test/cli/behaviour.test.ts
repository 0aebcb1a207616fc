import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { progress, progressLine, totalOf } from '../../src/cli/progress.js';
import { memoryStore } from '../../src/store/memory.js';
import { built, cli, CLI, ROOT } from '../helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'pl-cli-behaviour-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const jsonl = (...facts: object[]) => facts.map((f) => JSON.stringify(f)).join('\n') + '\n';
const collected = (subject: string) => ({ type: 'DataCollected', at: '2026-10-01T09:00:00Z', subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' });
const used = (subject: string, purpose: string) => ({ type: 'DataUsed', at: '2026-10-02T09:00:00Z', subject, categories: ['user.contact.email'], purpose, actor: 'mailer' });
const noStack = (stderr: string) => {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n')).toHaveLength(1);
};

describe('progress', () => {
  it('shows totals and an ETA on a terminal, and nothing when stderr is not one', () => {
    const lines: string[] = [];
    let now = 0;
    const bar = progress('imported', { total: 1000, stream: { isTTY: true, write: (s) => lines.push(s) }, now: () => now });
    now = 1000;
    bar.update(250);
    expect(lines.at(-1)).toContain('imported 250 of 1,000 (25%), about 3s left');
    const silent: string[] = [];
    const piped = progress('imported', { total: 1000, stream: { isTTY: false, write: (s) => silent.push(s) }, now: () => (now += 1000) });
    piped.update(500);
    piped.done();
    expect(silent).toEqual([]);
    expect(progressLine('verified', 12_000, 1000)).toBe('verified 12,000…');
  });

  it('knows the total of a replay where the store can count', async () => {
    const store = memoryStore();
    await store.append('s', [{ id: '01900000-0000-7000-8000-000000000001', type: 'T', data: {} }], 'no_stream');
    expect(await totalOf(store)).toEqual({ total: 1 });
    expect(await totalOf({})).toEqual({});
  });
});

describe.skipIf(!built)('the CLI behaves like one', () => {
  const keys = join(dir, 'keys');
  const ledger = join(dir, 'ledger.db');

  beforeAll(() => {
    expect(cli(['keygen', '--out', keys, '--id', 'ops']).status).toBe(0);
    expect(cli(['keygen', '--out', keys, '--id', 'backup']).status).toBe(0);
    writeFileSync(join(dir, 'facts.jsonl'), jsonl(collected('u-clean'), used('u-clean', 'provide-service'), collected('u-bad'), used('u-bad', 'personalization')));
    expect(cli(['import', join(dir, 'facts.jsonl'), '--key', join(keys, 'ops.key'), '--ledger', ledger, '--backfill']).status).toBe(0);
  });

  it('prints --help for every command of the table, and --version', () => {
    for (const c of COMMANDS) {
      const r = cli([c.name, '--help']);
      expect(r.status, c.name).toBe(0);
      expect(r.stdout.startsWith(`usage: privacy-ledger ${c.name} `), c.name).toBe(true);
      for (const [flag] of c.options) expect(r.stdout).toContain(flag);
    }
    const all = cli(['--help']);
    for (const c of COMMANDS) expect(all.stdout).toContain(`  ${c.name} ${c.usage}`);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version']).stdout.trim()).toBe(pkg.version);
  });

  it('takes --trust a.pub b.pub as well as the flag repeated', () => {
    const ops = join(keys, 'ops.pub');
    const backup = join(keys, 'backup.pub');
    expect(cli(['verify', '--ledger', ledger, '--trust', backup, ops]).status).toBe(0);
    expect(cli(['verify', '--ledger', ledger, '--trust', backup, '--trust', ops]).status).toBe(0);
    expect(cli(['verify', '--ledger', ledger, '--trust', backup]).status).toBe(3); // ops's facts: an unknown key
  });

  it('refuses to read a ledger that does not exist, naming the path, and creates nothing', () => {
    const typo = join(dir, 'does-not-exist.db');
    for (const args of [['verify'], ['audit'], ['report', '--subject', 'u-1']]) {
      const r = cli([...args, '--ledger', typo]);
      expect(r.status, args[0]).toBe(1);
      expect(r.stderr).toContain(`no ledger at ${typo}`);
      noStack(r.stderr);
    }
    expect(existsSync(typo)).toBe(false);
    // Writers create it.
    const fresh = join(dir, 'fresh.db');
    expect(cli(['import', join(dir, 'facts.jsonl'), '--key', join(keys, 'ops.key'), '--ledger', fresh, '--backfill']).status).toBe(0);
    expect(cli(['verify', '--ledger', fresh]).status).toBe(0);
  });

  it('ends keygen onto an existing id or into a file with one line and exit 1', () => {
    const again = cli(['keygen', '--out', keys, '--id', 'ops']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('a key with that id is there already');
    noStack(again.stderr);
    writeFileSync(join(dir, 'a-file'), '');
    const folder = cli(['keygen', '--out', join(dir, 'a-file', 'keys')]);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toContain('is a file, not a folder');
    noStack(folder.stderr);
  });

  it('report exits 0 for a clean subject, 2 for one with violations, and audit and report put integrity first and exit 3', () => {
    expect(cli(['report', '--ledger', ledger, '--subject', 'u-clean', '--at', '2026-10-20T00:00:00Z']).status).toBe(0);
    expect(cli(['report', '--ledger', ledger, '--subject', 'u-bad', '--at', '2026-10-20T00:00:00Z']).status).toBe(2);
    const tampered = join(dir, 'tampered.db');
    writeFileSync(tampered, readFileSync(ledger));
    const db = new Database(tampered);
    db.prepare("UPDATE events SET data = replace(data, '\"purpose\":\"', '\"purpose\":\"x') WHERE type = 'DataUsed'").run();
    db.close();
    const audit = cli(['audit', '--ledger', tampered, '--at', '2026-10-20T00:00:00Z']);
    expect(audit.status).toBe(3);
    expect(audit.stdout.startsWith('INTEGRITY FAILURE: 2 finding(s)')).toBe(true);
    const report = cli(['report', '--ledger', tampered, '--subject', 'u-clean', '--at', '2026-10-20T00:00:00Z']);
    expect(report.status).toBe(3);
    // No report is given on a ledger that does not verify: the failure, and nothing that looks clean.
    expect(report.stderr.startsWith('INTEGRITY FAILURE')).toBe(true);
    expect(report.stdout).toBe('');
  });

  it('exits 4, with one line, when the server cannot be reached', () => {
    const r = cli(['verify', '--ledger', 'esdb://127.0.0.1:1?tls=false']);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('UNAVAILABLE');
    noStack(r.stderr);
    expect(cli(['verify', '--ledger', ledger, '--frobnicate']).status).toBe(1);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('shows progress with the total and an ETA on a terminal, and none when piped', () => {
    const file = join(dir, 'progress.jsonl');
    writeFileSync(file, jsonl(...Array.from({ length: 2500 }, (_, i) => collected(`u-p${i}`))));
    const onTty = spawnSync('script', ['-qec', `node ${CLI} import ${file} --key ${join(keys, 'ops.key')} --ledger ${join(dir, 'progress.db')}`, '/dev/null'], { encoding: 'utf8' });
    expect(onTty.stdout).toMatch(/imported 1,000 of 2,500 \(40%\)(, about \d+s left)?/);
    const piped = cli(['import', file, '--key', join(keys, 'ops.key'), '--ledger', join(dir, 'progress-2.db'), '--backfill']);
    expect(piped.stderr).toBe('');
  });

  it('ends quietly when its reader closes the pipe (| head)', () => {
    // Far more JSON than a pipe buffers, so writes go on after head has gone.
    const big = join(dir, 'big.db');
    const facts = [collected('u-big'), ...Array.from({ length: 1500 }, () => used('u-big', 'provide-service'))];
    writeFileSync(join(dir, 'big.jsonl'), jsonl(...facts));
    expect(cli(['import', join(dir, 'big.jsonl'), '--key', join(keys, 'ops.key'), '--ledger', big, '--backfill']).status).toBe(0);
    const r = spawnSync('bash', ['-c', `node ${CLI} audit --json --every-verdict --ledger ${big} --at 2026-10-20T00:00:00Z | head -c 1 >/dev/null; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('exit 0');
  });
});
