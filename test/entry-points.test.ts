import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { built, ROOT, runNodeAsync } from './helpers/run.js';

const CLIENTS = ['@eventstore/db-client', 'better-sqlite3', 'pg'];

/**
 * Imports `entry` in a fresh node and prints every package a module under node_modules was loaded
 * from: ESM imports through a resolve hook, CommonJS requires (the clients are CommonJS) from the
 * require cache, so neither way of loading escapes the count.
 */
const packagesLoadedBy = async (entry: string): Promise<string[]> => {
  const script = `
    import { register, createRequire } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const seen = new Set();
    port1.on('message', (url) => seen.add(url));
    port1.unref();
    register('data:text/javascript,' + encodeURIComponent(\`
      let port;
      export function initialize(data) { port = data.port; }
      export async function resolve(specifier, context, next) {
        const r = await next(specifier, context);
        port.postMessage(r.url);
        return r;
      }\`), import.meta.url, { data: { port: port2 }, transferList: [port2] });
    await import(${JSON.stringify(entry)});
    await new Promise((r) => setTimeout(r, 100));
    const cached = Object.keys(createRequire(import.meta.url).cache);
    const urls = [...seen, ...cached];
    const packages = new Set(urls.map((u) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(decodeURIComponent(u))?.[1]).filter(Boolean));
    console.log(JSON.stringify([...packages].sort()));
  `;
  const r = await runNodeAsync('--input-type=module', ['-e', script], ROOT);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
};

describe.skipIf(!built)('entry points', () => {
  it('privacy-ledger loads no database client', async () => {
    const loaded = await packagesLoadedBy('privacy-ledger');
    expect(loaded).toContain('fp-ts'); // the count sees what the entry does load
    expect(loaded.filter((p) => CLIENTS.includes(p))).toEqual([]);
  });

  it.each([
    ['privacy-ledger/sqlite', 'better-sqlite3'],
    ['privacy-ledger/eventstoredb', '@eventstore/db-client'],
    ['privacy-ledger/postgres', 'pg'],
  ])('%s brings its own client, %s, and no other', async (entry, client) => {
    const loaded = await packagesLoadedBy(entry);
    expect(loaded.filter((p) => CLIENTS.includes(p))).toEqual([client]);
  });

  it('privacy-ledger/verify loads only tweetnacl, fp-ts and io-ts, and verifies a bundle through the package name', async () => {
    expect(await packagesLoadedBy('privacy-ledger/verify')).toEqual(['fp-ts', 'io-ts', 'tweetnacl']);
    const script = `
      import { readFileSync } from 'node:fs';
      import { verifyBundle, parsePublicKeyFile } from 'privacy-ledger/verify';
      const dir = 'test/vectors/bundles/';
      const r = await verifyBundle(readFileSync(dir + 'valid.json', 'utf8'), { trust: [parsePublicKeyFile(readFileSync(dir + 'ledger.pub', 'utf8'))] });
      console.log(JSON.stringify([r.ok, r.derived.verdict]));`;
    const r = await runNodeAsync('--input-type=module', ['-e', script], ROOT);
    expect(JSON.parse(r.stdout)).toEqual([true, 'ok']);
  });

  it('the CLI loads only the adapter its --ledger names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-entry-'));
    // Preloaded into the CLI: on exit, prints the clients the require cache holds.
    const report = join(dir, 'report.mjs');
    writeFileSync(report, `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      process.on('exit', () => {
        const cached = Object.keys(require.cache).join('\\n');
        process.stderr.write('LOADED ' + JSON.stringify(${JSON.stringify(CLIENTS)}.filter((c) => cached.includes('/node_modules/' + c + '/'))) + '\\n');
      });`);
    const loadedBy = async (ledger: string) => {
      const r = await runNodeAsync('--import', [report, join(ROOT, 'dist/src/cli/main.js'), 'verify', '--ledger', ledger], ROOT);
      expect(r.stdout).toMatch(/0 event\(s\) in /);
      expect(r.status).toBe(0);
      return JSON.parse(/LOADED (.*)/.exec(r.stderr)![1]!) as string[];
    };
    try {
      // Reading commands refuse a ledger that does not exist: make an empty one first.
      const { sqliteStore } = await import('../src/store/sqlite.js');
      await sqliteStore(join(dir, 'ledger.db')).close();
      expect(await loadedBy(join(dir, 'ledger.db'))).toEqual(['better-sqlite3']);
      const url = new URL(inject('postgres').url);
      url.searchParams.set('schema', `entry_${Date.now().toString(36)}`);
      expect(await loadedBy(url.toString())).toEqual(['pg']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
