// privacy-ledger/verify runs without Node: bundled for the browser, its import graph holds no
// Node built-in, and none of our modules in it names Buffer, process or require.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rolldown } from 'rolldown';
import { ROOT } from '../helpers/run.js';

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const ALLOWED_PACKAGES = ['tweetnacl', 'fp-ts', 'io-ts'];

/**
 * A package's own guarded fallback that its "browser" field maps to nothing: tweetnacl's
 * `require('crypto')`, only for random bytes in Node (verification never draws any).
 */
const stubbedForBrowsers = (id: string, importer: string | undefined): boolean => {
  const pkg = importer?.match(/^(.*node_modules\/[^/]+)\//)?.[1];
  if (pkg === undefined) return false;
  const browser = (JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8')) as { browser?: Record<string, unknown> }).browser;
  return typeof browser === 'object' && browser[id] === false;
};

/** Every module the bundler pulls in from an entry, and every import it could not or would not resolve. */
const graphOf = async (entry: string) => {
  const modules = new Set<string>();
  const externals: string[] = [];
  const bundle = await rolldown({
    input: entry,
    cwd: ROOT,
    platform: 'browser',
    logLevel: 'silent',
    external: (id, importer) => {
      const builtin = BUILTINS.has(id);
      if (builtin && !stubbedForBrowsers(id, importer)) externals.push(`${id} (imported by ${relative(ROOT, importer ?? '?')})`);
      return builtin;
    },
    plugins: [{ name: 'record', load: (id) => void modules.add(id) }],
  });
  const { output } = await bundle.generate({ format: 'iife', name: 'verifier' });
  return { modules: [...modules], externals, code: output[0].code };
};

describe('privacy-ledger/verify has no Node API in its import graph', () => {
  it('bundles for the browser with no Node built-in, from our verifier modules and three pure packages only', async () => {
    const { modules, externals } = await graphOf('src/verify.ts');
    expect(externals).toEqual([]);
    const ours = modules.filter((m) => !m.includes('node_modules')).map((m) => relative(ROOT, m));
    const packages = [...new Set(modules.filter((m) => m.includes('node_modules')).map((m) => m.split('node_modules/')[1]!.split('/')[0]!))];
    expect(packages.sort()).toEqual([...ALLOWED_PACKAGES].sort());
    // The re-derivation is the audit's own fold: the projection modules are in the graph.
    expect(ours).toEqual(expect.arrayContaining(['src/projection/compliance.ts', 'src/projection/fold-uses.ts', 'src/projection/rules-use.ts', 'src/seal/envelope-codec.ts']));
    for (const file of ours) {
      const code = readFileSync(`${ROOT}/${file}`, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      expect(code, file).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|from '(node:)?(crypto|fs|path|os|worker_threads)'/);
    }
    // The hashing and signing that node:crypto does for the ledger come from the pure modules here.
    expect(ours).not.toContain('src/seal/hash.ts');
    expect(ours).not.toContain('src/seal/merkle.ts');
    expect(ours).not.toContain('src/seal/signers.ts');
  });

  it('every module of src/projection is free of Node APIs, but the runner\'s checkpoint files (checkpoints.ts)', () => {
    const dir = `${ROOT}/src/projection`;
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'checkpoints.ts')
      .filter((f) => /from '(node:|crypto'|fs'|path'|os')|\bBuffer\b|\bprocess\./.test(readFileSync(`${dir}/${f}`, 'utf8').replace(/\/\/.*$/gm, '')));
    expect(offenders).toEqual([]);
    expect(readFileSync(`${dir}/checkpoints.ts`, 'utf8')).toMatch(/from 'node:fs\/promises'/); // the scan sees what it looks for
  });

  it('the check can fail: the ledger entry point pulls Node built-ins in', async () => {
    const { externals } = await graphOf('src/ledger/prove.ts');
    expect(externals.length).toBeGreaterThan(0);
  });
});
