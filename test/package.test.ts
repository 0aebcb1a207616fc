import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { built, ROOT } from './helpers/run.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  repository: { url: string };
  bugs: { url: string };
};
const npm = (args: string[]) => spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
const warnings = (stderr: string) => stderr.split('\n').filter((l) => /npm warn/i.test(l) && !/requires you to be logged in/.test(l));

describe('the package', () => {
  it('builds before it packs, and says where it comes from and under which licence', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/privacy-ledger\/privacy-ledger\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/privacy-ledger\/privacy-ledger/);
    expect(pkg.bugs.url).toMatch(/\/issues$/);
    for (const target of Object.values(pkg.bin)) expect(target.startsWith('./'), 'npm removes a bin path starting ./ on publish').toBe(false);
  });

  it.skipIf(!built)('packs the library, its docs, schemas and licence, and nothing of the tests; npm warns of nothing', () => {
    const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
    expect(r.status).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'docs/eventstoredb.md', 'schemas/audit.schema.json', 'schemas/common.schema.json', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/verify.js', 'dist/verify-page/verify-bundle.html', 'schemas/bundle.schema.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|src|benchmarks|examples|dist\/test|dist\/benchmarks|dist\/examples)\//.test(f))).toEqual([]);
    expect(warnings(r.stderr)).toEqual([]);
    const publish = npm(['publish', '--dry-run', '--ignore-scripts']);
    expect(warnings(publish.stderr)).toEqual([]);

    // Source maps resolve inside the package: every map carries the text of each source it names.
    const maps = files.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(ROOT, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
      expect(map.sourcesContent!.every((c) => typeof c === 'string' && c.length > 0), m).toBe(true);
    }
    for (const js of files.filter((f) => f.endsWith('.js'))) {
      const ref = /\/\/# sourceMappingURL=(.+)$/m.exec(readFileSync(join(ROOT, js), 'utf8'))?.[1];
      if (ref) expect(files, `${js} -> ${ref}`).toContain(join(js, '..', ref));
    }
    expect(existsSync(join(ROOT, 'docs'))).toBe(true);
  }, 120_000);
});
