import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { sqliteStore } from '../../src/store/sqlite.js';

// The reliability sweep behind `npm run test:soak` (not part of `npm test`): writer processes
// killed with SIGKILL at random moments, racing writer processes, and a disk that fills up.
// Each test prints its figures as one JSON line starting with SOAK.

const WRITER = join(import.meta.dirname, 'writer.mjs');
const dir = mkdtempSync(join(tmpdir(), 'pl-soak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const report = (name: string, figures: Record<string, unknown>) => console.log(`SOAK ${JSON.stringify({ test: name, ...figures })}`);

interface Writer {
  readonly child: ChildProcess;
  readonly acked: string[];
  readonly ready: Promise<void>;
  /** Settles once the process has exited and every message it sent has arrived. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const startWriter = (args: readonly string[]): Writer => {
  const child = fork(WRITER, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const acked: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  child.on('message', (m: { ready?: true; acked?: string[] }) => (m.ready ? readyResolve() : acked.push(...(m.acked ?? []))));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const disconnected = new Promise<void>((r) => child.on('disconnect', () => r()));
  const ended = Promise.all([exited, disconnected]).then(([e]) => ({ ...e, stderr }));
  // A writer that dies before it is ready must not hang the sweep.
  void ended.then(() => readyResolve());
  return { child, acked, ready, ended };
};

interface Stored {
  readonly ids: string[];
  readonly actors: Map<string, number>;
  readonly streams: Map<string, bigint[]>;
}

const readStored = async (path: string): Promise<Stored> => {
  const store = sqliteStore(path);
  const ids: string[] = [];
  const actors = new Map<string, number>();
  const streams = new Map<string, bigint[]>();
  for await (const e of store.readAll()) {
    ids.push(e.id);
    streams.set(e.stream, [...(streams.get(e.stream) ?? []), e.revision]);
    const actor = (e.data as { fact?: { actor?: unknown } }).fact?.actor;
    if (typeof actor === 'string' && e.stream.startsWith('subject-')) actors.set(actor, (actors.get(actor) ?? 0) + 1);
  }
  await store.close();
  return { ids, actors, streams };
};

const verifyFindings = async (path: string) => {
  const ledger = await openLedger({ store: sqliteStore(path) });
  const result = await ledger.verify();
  await ledger.close();
  return result;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reliability sweep', () => {
  it('200 writer processes killed with SIGKILL at random moments: no acknowledged fact lost, no partial batch, verify clean', async () => {
    const path = join(dir, 'killed.db');
    const seed = Buffer.from(randomSeed()).toString('hex');
    const BATCH = 12;
    const WAVES = 50;
    const PER_WAVE = 4;
    const acked: string[] = [];
    const started = Date.now();
    let killed = 0;
    for (let wave = 0; wave < WAVES; wave++) {
      const writers = Array.from({ length: PER_WAVE }, (_, k) => startWriter([path, seed, 'kill', String(wave * PER_WAVE + k), String(BATCH)]));
      await Promise.all(
        writers.map(async (w) => {
          await w.ready;
          await sleep(Math.random() * 700);
          w.child.kill('SIGKILL');
          const end = await w.ended;
          expect(end.stderr).toBe('');
          if (end.signal === 'SIGKILL') killed++;
          acked.push(...w.acked);
        }),
      );
    }
    const stored = await readStored(path);
    const storedIds = new Set(stored.ids);
    const lost = acked.filter((id) => !storedIds.has(id));
    const partial = [...stored.actors].filter(([, n]) => n !== BATCH);
    const { findings, checked } = await verifyFindings(path);
    // A new writer carries on onto the same chains.
    const after = await openLedger({ store: sqliteStore(path), signer: nodeSigner(Uint8Array.from(Buffer.from(seed, 'hex')), 'soak') });
    await after.record({ type: 'DataUsed', at: '2026-03-02T00:00:00Z', subject: 'u-0', categories: ['user.contact.email'], purpose: 'provide-service', actor: 'after' });
    const afterFindings = (await after.verify()).findings;
    await after.close();
    report('sigkill', {
      writersKilled: killed, acknowledgedFacts: acked.length, storedEvents: checked, lostAcknowledged: lost.length,
      batches: stored.actors.size, partialBatches: partial.length, findings: findings.length, seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(killed).toBe(WAVES * PER_WAVE);
    expect(acked.length).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(partial).toEqual([]);
    expect(findings).toEqual([]);
    expect(afterFindings).toEqual([]);
  });

  it('8 writer processes racing on 100 subjects: one chain per stream, every fact once', async () => {
    const path = join(dir, 'race.db');
    const seed = Buffer.from(randomSeed()).toString('hex');
    const WRITERS = 8;
    const CALLS = 150;
    const started = Date.now();
    const writers = Array.from({ length: WRITERS }, (_, k) => startWriter([path, seed, 'race', String(k), String(CALLS), '100']));
    const ends = await Promise.all(writers.map((w) => w.ended));
    for (const e of ends) expect(e).toMatchObject({ code: 0, stderr: '' });
    const acked = writers.flatMap((w) => w.acked);
    const stored = await readStored(path);
    const duplicates = stored.ids.length - new Set(stored.ids).size;
    const storedIds = new Set(stored.ids);
    const lost = acked.filter((id) => !storedIds.has(id));
    const subjectStreams = [...stored.streams].filter(([s]) => s.startsWith('subject-'));
    const subjectEvents = subjectStreams.reduce((n, [, revs]) => n + revs.length, 0);
    const brokenStreams = subjectStreams.filter(([, revs]) => revs.some((r, i) => r !== BigInt(i)));
    const { findings } = await verifyFindings(path);
    report('race', {
      writers: WRITERS, subjects: subjectStreams.length, acknowledgedFacts: acked.length, storedSubjectEvents: subjectEvents,
      duplicates, lostAcknowledged: lost.length, streamsNotOneChain: brokenStreams.length, findings: findings.length, seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(acked.length).toBeGreaterThan(WRITERS * CALLS);
    expect(subjectEvents).toBe(acked.length);
    expect(duplicates).toBe(0);
    expect(lost).toEqual([]);
    expect(brokenStreams).toEqual([]);
    expect(findings).toEqual([]);
  });

  // Needs root to mount a 2 MB tmpfs; elsewhere the test says so and is skipped.
  const canMount = process.getuid?.() === 0 && process.platform === 'linux';
  it.skipIf(!canMount)('the disk filling up mid-append: STORE_UNAVAILABLE, nothing partial, the ledger usable once there is space', async () => {
    const mount = join(dir, 'tiny');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
    try {
      const path = join(mount, 'full.db');
      const ballast = join(mount, 'ballast');
      writeFileSync(ballast, Buffer.alloc(512 * 1024));
      const signer = nodeSigner(randomSeed());
      const ledger = await openLedger({ store: sqliteStore(path), signer, maxRetries: 2 });
      const BATCH = 20;
      let batches = 0;
      let refusal: unknown;
      for (let n = 0; refusal === undefined && n < 10_000; n++) {
        const facts = Array.from({ length: BATCH }, (_, i) => ({
          type: 'DataUsed' as const, at: '2026-03-01T00:00:00Z', subject: `u-${(n * 2 + (i % 2)) % 40}`, categories: ['user.contact.email'],
          purpose: 'provide-service', actor: `b${n}-${'x'.repeat(1500)}`,
        }));
        try {
          await ledger.record(facts);
          batches++;
        } catch (e) {
          refusal = e;
        }
      }
      const free = statfsSync(mount).bavail * statfsSync(mount).bsize;
      expect(isLedgerError(refusal, 'STORE_UNAVAILABLE')).toBe(true);
      const e = refusal as Error & { details: Record<string, unknown> };
      expect(e.message).toMatch(/the disk is full or failing \(SQLITE_FULL\); nothing of this append was written/);
      const before = await readStored(path);
      const partial = [...before.actors].filter(([, k]) => k !== BATCH);
      const clean = await verifyFindings(path);
      // Space again: the same ledger records on, and everything verifies.
      rmSync(ballast);
      await ledger.record({ type: 'DataUsed', at: '2026-03-02T00:00:00Z', subject: 'u-0', categories: ['user.contact.email'], purpose: 'provide-service', actor: 'after' });
      const resumed = (await ledger.verify()).findings;
      await ledger.close();
      report('disk-full', {
        tmpfsBytes: 2 * 1024 * 1024, batchesBeforeFull: batches, factsBeforeFull: batches * BATCH, bytesFreeWhenRefused: free, error: e.message,
        partialBatches: partial.length, findings: clean.findings.length, findingsAfterSpaceFreed: resumed.length,
      });
      expect(batches).toBeGreaterThan(0);
      expect(partial).toEqual([]);
      expect(before.actors.size).toBe(batches);
      expect(clean.findings).toEqual([]);
      expect(resumed).toEqual([]);
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
