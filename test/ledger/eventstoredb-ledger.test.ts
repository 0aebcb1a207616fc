import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/ledger.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { eventStoreDBStoreFromConnectionString } from '../../src/store/eventstoredb.js';
import { startEmulator, type Emulator } from '../esdb/emulator.js';
import { sampleFacts } from '../fixtures/facts.js';
import { join } from 'node:path';
import { built, cliAsync, runBenchmarkAsync } from '../helpers/run.js';

// The whole ledger over EventStoreDB: the real client, real gRPC, the in-process emulator
// (or the server EVENTSTORE_URL names). Envelopes come back re-parsed by the client.
const target = process.env.EVENTSTORE_URL;
let emulator: Emulator | undefined;
let url: string;
beforeAll(async () => {
  if (!target) emulator = await startEmulator();
  url = target ?? emulator!.connectionString;
});
afterAll(async () => emulator?.stop());

const { DataCollected, DataUsed } = sampleFacts;
const prefix = () => `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-`;

describe(`a ledger on EventStoreDB (${target ? 'real server' : 'emulator'})`, () => {
  it('records across streams and verifies clean after the client re-parsed every envelope', async () => {
    const p = prefix();
    const ledger = await openLedger({ store: eventStoreDBStoreFromConnectionString(url, { prefix: p }), signer: nodeSigner(randomSeed()) });
    // History dated in the past: recorded as declared backfill, judged by its own times.
    const history = { backfill: true };
    await ledger.record([DataCollected, { ...DataCollected, subject: 'u-2' }, DataUsed, { ...DataUsed, subject: 'u-2' }], history);
    await ledger.record({ ...DataUsed, purpose: 'personalization' }, history);
    const { integrity, report } = await ledger.audit({ at: '2026-04-01T00:00:00Z' });
    expect(integrity.findings).toEqual([]);
    expect(integrity.checked).toBe(7);
    expect(report.violations.map((v) => v.code)).toEqual(['PURPOSE_NOT_DECLARED']);
    await ledger.close();
  });

  it('two writers racing on one subject stream turn wrong-version answers into retries and leave one chain', async () => {
    const p = prefix();
    const seed = randomSeed();
    const [a, b] = await Promise.all([0, 1].map(() => openLedger({ store: eventStoreDBStoreFromConnectionString(url, { prefix: p }), signer: nodeSigner(seed) })));
    const writes = Array.from({ length: 16 }, (_, i) => (i % 2 ? a! : b!).record({ ...DataUsed, at: `2026-03-01T10:00:${String(i).padStart(2, '0')}Z` }));
    const revisions = (await Promise.all(writes)).flat().map((r) => r.revision);
    expect(new Set(revisions).size).toBe(16);
    expect((await a!.verify()).findings).toEqual([]);
    await Promise.all([a!.close(), b!.close()]);
  });

  it.skipIf(!!target)('an append cut off after it committed is not recorded twice when record() retries', async () => {
    const p = prefix();
    const ledger = await openLedger({ store: eventStoreDBStoreFromConnectionString(url, { prefix: p }), signer: nodeSigner(randomSeed()) });
    emulator!.failNextAppendAfterCommit(`${p}subject-u-9`);
    const [r] = await ledger.record({ ...DataUsed, subject: 'u-9' });
    expect(r).toMatchObject({ stream: 'subject-u-9', revision: 0 });
    const { integrity } = await ledger.audit();
    expect(integrity.findings).toEqual([]);
    expect(integrity.checked).toBe(3);
    await ledger.close();
  });

  it.skipIf(!built)('the CLI verifies and audits an esdb:// ledger', async () => {
    const p = prefix();
    const ledger = await openLedger({ store: eventStoreDBStoreFromConnectionString(url, { prefix: p }), signer: nodeSigner(randomSeed()) });
    await ledger.record([DataCollected, DataUsed], { backfill: true });
    await ledger.close();
    const verify = await cliAsync(['verify', '--ledger', url, '--prefix', p]);
    expect(verify.stdout).toContain('4 event(s) in');
    expect(verify.status).toBe(0);
    const audit = await cliAsync(['audit', '--ledger', url, '--prefix', p, '--at', '2026-04-01T00:00:00Z', '--json']);
    expect(JSON.parse(audit.stdout).summary).toMatchObject({ uses: 1, violations: 0 });
    expect(audit.status).toBe(0);
  });

  it.skipIf(!built)('the append benchmark measures a ledger it is pointed at with --ledger esdb://', async () => {
    const r = await runBenchmarkAsync('append', ['--ledger', url, '--events', '600', '--subjects', '6', '--batch', '50']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/sealed \+ signed, per-event +[\d,.]+ events\/s/);
    expect(r.stdout).toMatch(/verify replay, per-event sigs +[\d,.]+ events\/s/);
    expect(r.stdout).toMatch(/verify replay, per-event sigs \/ Ed25519 verify alone \(ceiling\) +[\d.]+x/);
    expect(r.stdout).not.toContain('raw insert');
    expect(r.status).toBe(0);
  });

  it.skipIf(!built)('the demo records into an esdb:// ledger under a fresh prefix, and finds what it planted', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pl-esdb-demo-'));
    const r = await cliAsync(['demo', '--dir', dir, '--subjects', '40', '--ledger', url]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/planted 13 violations; the audit found 13 of them on the very fact planted, and nothing else/);
    expect(r.stdout).toMatch(/The ledger is on .* under the stream prefix demo-[a-z0-9]+-/);
    expect(r.status).toBe(0);
  });
});
