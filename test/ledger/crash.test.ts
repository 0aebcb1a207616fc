import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { sqliteStore } from '../../src/store/sqlite.js';

const WRITER = join(import.meta.dirname, 'crash-writer.mjs');
const BATCH = 37;
const dir = mkdtempSync(join(tmpdir(), 'pl-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const countEvents = async (path: string): Promise<number> => {
  const store = sqliteStore(path);
  let n = 0;
  for await (const _ of store.readAll()) n++;
  await store.close();
  return n;
};

/** Starts a writer, lets it append until at least `atLeast` events are in the file, then SIGKILLs it. */
// The service's key: every writer process, and the one that carries on after the crash, signs with it.
const SEED = randomBytes(32);

const killMidAppend = async (path: string, mode: string, atLeast: number, checkpointEvery?: number) => {
  const extra = checkpointEvery === undefined ? [] : [String(checkpointEvery)];
  const child = fork(WRITER, [path, String(BATCH), mode, SEED.toString('hex'), ...extra], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', () => reject(new Error(`writer died before it was ready: ${stderr}`)));
  });
  while ((await countEvents(path)) < atLeast) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
};

describe.skipIf(!existsSync(join(import.meta.dirname, '../../dist/src/ledger/ledger.js')))('a writer killed with SIGKILL mid-append', () => {
  it.each(['per-event', 'per-batch'])('leaves a store that verifies clean and holds whole batches only (%s)', async (mode) => {
    const path = join(dir, `${mode}.db`);
    await killMidAppend(path, mode, 2_000);
    const ledger = await openLedger({ store: sqliteStore(path) });
    const result = await ledger.verify();
    expect(result.findings).toEqual([]);
    const perStream = new Map<string, number>();
    for await (const e of ledger.readAll()) perStream.set(e.stream, (perStream.get(e.stream) ?? 0) + 1);
    const subjectCounts = [...perStream].filter(([s]) => s.startsWith('subject-')).map(([, n]) => n);
    expect(subjectCounts.length).toBeGreaterThan(0);
    for (const n of subjectCounts) expect(n % BATCH).toBe(0);
    expect(result.checked).toBeGreaterThanOrEqual(2_000);
    await ledger.close();
    // A new writer carries on from where the dead one stopped, onto the same chains.
    const { nodeSigner } = await import('../../src/seal/signers.js');
    const next = await openLedger({ store: sqliteStore(path), signer: nodeSigner(SEED) });
    await next.record({ type: 'DataUsed', at: '2026-03-02T00:00:00Z', subject: 'u-0', categories: ['user.contact.email'], purpose: 'provide-service', actor: 'after-crash' });
    expect((await next.verify()).findings).toEqual([]);
    await next.close();
  });

  it('killed with automatic checkpoints running beside its appends, leaves every recorded checkpoint holding; the next writer extends them', async () => {
    const path = join(dir, 'checkpoints.db');
    await killMidAppend(path, 'per-event', 2_000, 100);
    const notes = async () => {
      const store = sqliteStore(path);
      const out: string[] = [];
      for await (const e of store.readStream('checkpoints')) out.push((e.data as { fact: { note: string } }).fact.note);
      await store.close();
      return out;
    };
    const before = await notes();
    expect(before.length).toBeGreaterThan(0);
    const ledger = await openLedger({ store: sqliteStore(path) });
    // Each recorded checkpoint is checked against the log too; given as notes, each must hold.
    const result = await ledger.verify({ checkpoints: before });
    expect(result.findings).toEqual([]);
    expect(result.checkpoints.every((c) => c.held)).toBe(true);
    await ledger.close();
    const { nodeSigner } = await import('../../src/seal/signers.js');
    const next = await openLedger({ store: sqliteStore(path), signer: nodeSigner(SEED), autoCheckpoint: { everyEvents: 10 } });
    for (let i = 0; i < 3; i++) {
      await next.record(Array.from({ length: 5 }, (_, k) => ({ type: 'DataUsed', at: `2026-03-02T00:00:0${k}Z`, subject: 'u-0', categories: ['user.contact.email'], purpose: 'provide-service', actor: 'after-crash' })));
    }
    const last = await next.checkpoint();
    await next.close();
    const after = await notes();
    expect(after.length).toBeGreaterThan(before.length + 1);
    const final = await (await openLedger({ store: sqliteStore(path) })).verify({ checkpoints: [...after, last.note] });
    expect(final.findings).toEqual([]);
  });
});
