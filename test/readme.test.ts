import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { built, cli, ROOT } from './helpers/run.js';
import { typeErrors } from './helpers/typecheck.js';

// The service is written into the package (dist/, ignored by git) so that `from 'privacy-ledger'`
// resolves as it does in a service that installed it: to the built package, types and all.
const here = join(ROOT, 'dist', 'readme-test');
const cwd = mkdtempSync(join(tmpdir(), 'pl-readme-'));
afterAll(() => {
  rmSync(here, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

/** The first ```ts block of the README's service section: the service, as a newcomer would copy it. */
const serviceFromReadme = (): string => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## In a service'), readme.indexOf('\n## ', readme.indexOf('## In a service') + 1));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('no ts block in the README service section');
  return block[1]!;
};

describe.skipIf(!built)('the README’s service section', () => {
  it('compiles under tsc strict, as written', () => {
    mkdirSync(here, { recursive: true });
    writeFileSync(join(here, 'service.ts'), serviceFromReadme());
    expect(typeErrors([join(here, 'service.ts')])).toEqual([]);
  }, 60_000);

  it('runs as written after the keygen it names, and every fact it records is lawful', () => {
    const source = serviceFromReadme();
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    mkdirSync(here, { recursive: true });
    writeFileSync(join(here, 'service.mjs'), js);
    const keygen = /npx privacy-ledger (keygen [^`]+)`/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))![1]!.split(' ');
    expect(cli(keygen, cwd).status).toBe(0);
    const r = spawnSync(process.execPath, [join(here, 'service.mjs')], { cwd, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^use [0-9a-f-]{36}: ok on consent\ndisclosure: ok\n$/);
    expect(r.status).toBe(0);
    const audit = cli(['audit', '--json', '--ledger', join(cwd, 'privacy-ledger.db')]);
    const report = JSON.parse(audit.stdout) as { summary: { byType: Record<string, number> }; violations: unknown[]; obligations: unknown[] };
    expect(report.violations).toEqual([]);
    expect(report.obligations).toEqual([]);
    for (const type of ['DataCollected', 'ConsentGranted', 'DataUsed', 'DataDisclosed', 'SubjectNotified']) expect(report.summary.byType[type], type).toBe(1);
    expect(audit.status).toBe(0);
  }, 60_000);

  it('would not compile with a required field left out: the types guard the example too', () => {
    const broken = serviceFromReadme().replace("purpose: 'personalization', actor: 'recommender' }", "purpose: 'personalization' }");
    expect(broken).not.toBe(serviceFromReadme());
    mkdirSync(here, { recursive: true });
    writeFileSync(join(here, 'broken.ts'), broken);
    expect(typeErrors([join(here, 'broken.ts')]).join('\n')).toContain("'actor'");
  }, 60_000);
});
