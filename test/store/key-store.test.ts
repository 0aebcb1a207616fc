import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import { memoryKeyStore, type KeyStore } from '../../src/store/key-store.js';
import { sqliteKeyStore } from '../../src/store/sqlite-key-store.js';
import { built, ROOT, runNodeAsync } from '../helpers/run.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'pl-keys-'));
const open: KeyStore[] = [];
const track = (k: KeyStore): KeyStore => (open.push(k), k);
afterEach(async () => {
  for (const k of open.splice(0)) await k.close();
});

const refusal = async (work: Promise<unknown>): Promise<{ code: string; message: string }> => {
  try {
    await work;
  } catch (e) {
    if (isLedgerError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
};

describe.each([
  ['memory', () => memoryKeyStore()],
  ['sqlite', () => sqliteKeyStore(join(scratch(), 'keys'))],
] as const)('key store contract: %s', (_, make) => {
  it('makes a key only when asked to, once per subject, marked as made by that call', async () => {
    const keys = track(make());
    expect((await keys.currentKeys(['ps-a'], false)).size).toBe(0);
    const made = await keys.currentKeys(['ps-a', 'ps-b'], true);
    expect([...made.keys()].sort()).toEqual(['ps-a', 'ps-b']);
    const a = made.get('ps-a')!;
    expect(a.created).toBe(true);
    expect(a.key).toHaveLength(32);
    expect(a.keyId).toMatch(/^dk-/);
    expect(made.get('ps-b')!.keyId).not.toBe(a.keyId);
    const again = await keys.currentKeys(['ps-a'], true);
    expect(again.get('ps-a')!.keyId).toBe(a.keyId);
    expect(again.get('ps-a')!.created).toBeUndefined();
    expect(Buffer.from(again.get('ps-a')!.key).equals(Buffer.from(a.key))).toBe(true);
  });

  it('finds keys by id and by subject, and destroys them', async () => {
    const keys = track(make());
    const a = (await keys.currentKeys(['ps-a'], true)).get('ps-a')!;
    const b = (await keys.currentKeys(['ps-b'], true)).get('ps-b')!;
    expect(await keys.keyIdsOf('ps-a')).toEqual([a.keyId]);
    expect((await keys.keyById(a.keyId))?.subject).toBe('ps-a');
    await keys.destroy([a.keyId]);
    expect(await keys.keyById(a.keyId)).toBeUndefined();
    expect(await keys.keyIdsOf('ps-a')).toEqual([]);
    expect((await keys.currentKeys(['ps-a'], false)).size).toBe(0);
    expect((await keys.keyById(b.keyId))?.keyId).toBe(b.keyId);
    // A destroyed subject asked for again gets a new key, never the old one back.
    const fresh = (await keys.currentKeys(['ps-a'], true)).get('ps-a')!;
    expect(fresh.keyId).not.toBe(a.keyId);
  });

  it('keeps one ledger secret', async () => {
    const keys = track(make());
    const s = await keys.ledgerSecret();
    expect(s).toHaveLength(32);
    expect(Buffer.from(await keys.ledgerSecret()).equals(Buffer.from(s))).toBe(true);
  });

  it('refuses every call once closed', async () => {
    const keys = make();
    await keys.close();
    expect((await refusal(keys.currentKeys(['ps-a'], true))).code).toBe('CLOSED');
    expect((await refusal(keys.keyIdsOf('ps-a'))).code).toBe('CLOSED');
  });
});

describe('sqlite key store', () => {
  it('holds a key on disk before currentKeys resolves: a store opened then reads it, the writer still open', async () => {
    const path = join(scratch(), 'keys');
    const writer = track(sqliteKeyStore(path));
    const made = (await writer.currentKeys(['ps-a'], true)).get('ps-a')!;
    const reader = track(sqliteKeyStore(path));
    expect((await reader.keyById(made.keyId))?.subject).toBe('ps-a');
  });

  it('gives two stores on one file, asking for the same new subjects at once, one key per subject', async () => {
    const path = join(scratch(), 'keys');
    const one = track(sqliteKeyStore(path));
    const two = track(sqliteKeyStore(path));
    const subjects = Array.from({ length: 40 }, (_, i) => `ps-${i}`);
    const asks = subjects.flatMap((s, i) => [one.currentKeys([s, subjects[(i + 1) % subjects.length]!], true), two.currentKeys([s], true)]);
    const answers = await Promise.all(asks);
    for (const s of subjects) {
      const ids = new Set(answers.filter((m) => m.has(s)).map((m) => m.get(s)!.keyId));
      expect(ids.size, s).toBe(1);
      expect(await one.keyIdsOf(s)).toEqual([...ids]);
    }
  });

  it('waits for the keys being made before it closes', async () => {
    const path = join(scratch(), 'keys');
    const keys = sqliteKeyStore(path);
    const pending = keys.currentKeys(['ps-a', 'ps-b'], true);
    await keys.close();
    const made = await pending;
    const reopened = track(sqliteKeyStore(path));
    expect((await reopened.keyById(made.get('ps-b')!.keyId))?.subject).toBe('ps-b');
  });

  it('refuses a file it cannot open, naming the key store and the file', async () => {
    const path = join(scratch(), 'keys');
    writeFileSync(path, 'this is not a SQLite database, it is a text file of 64 bytes....', { mode: 0o600 });
    const e = await refusal((async () => sqliteKeyStore(path))());
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toContain(path);
  });

  it('rejects a key request, naming the key store, when another connection holds the write lock of its file, and works again once it lets go', async () => {
    const dir = scratch();
    const path = join(dir, 'keys');
    const keys = sqliteKeyStore(path);
    await keys.currentKeys(['ps-a'], true);
    // Another connection holds the write lock past the writer's busy timeout: the request must fail, not hang.
    const { default: Database } = await import('better-sqlite3');
    const blocker = new Database(path, { timeout: 0 });
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const e = await refusal(keys.currentKeys(['ps-new'], true));
      expect(e.code).toBe('STORE_UNAVAILABLE');
      expect(e.message).toContain('sqlite-keys:');
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    // The store still works once the lock is gone.
    expect((await keys.currentKeys(['ps-new'], true)).get('ps-new')?.created).toBe(true);
    await keys.close();
  }, 30_000);

  it.runIf(built)('does not keep a process alive once its keys are made', async () => {
    const path = join(scratch(), 'keys');
    const script = `
      import { sqliteKeyStore } from ${JSON.stringify(join(ROOT, 'dist/src/store/sqlite-key-store.js'))};
      const keys = sqliteKeyStore(${JSON.stringify(path)});
      const made = await keys.currentKeys(['ps-a'], true);
      console.log(made.get('ps-a').keyId);
    `;
    const file = join(scratch(), 'idle.mjs');
    writeFileSync(file, script);
    // A worker left holding the event loop would keep it running until this test's timeout fails it.
    const r = await runNodeAsync(file, []);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^dk-/);
  }, 90_000);
});
