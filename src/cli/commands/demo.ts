import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { renderAuditTable } from '../../audit/render.js';
import { openLedger } from '../../ledger/ledger.js';
import { generateKeyFiles, loadSigner, loadTrustedKey } from '../../seal/keys.js';
import { isEventStoreDBSpec, isPostgresSpec, openStore } from '../../store/open.js';
import { redactLedgerSpec } from '../../store/redact.js';
import { LedgerError } from '../../domain/errors.js';
import { parse } from '../args.js';
import { evaluationTime } from './audit.js';
import { demoWorkload, type Planted } from '../demo/workload.js';
import { printFindings } from '../findings.js';
import type { Violation } from '../../projection/compliance-types.js';
import type { FactInput } from '../../domain/facts.js';
import { writeDemoReports } from '../demo/reports.js';
import { writeDemoBundles } from '../demo/bundles.js';

const BATCH = 1_000;

/** The demo's key: made on the first run, reused after, so `verify --trust` keeps working. */
const demoKey = async (dir: string) => {
  const keys = join(dir, 'keys');
  const existing = existsSync(keys) ? readdirSync(keys).find((f) => f.endsWith('.key')) : undefined;
  if (existing) return { secretPath: join(keys, existing), publicPath: join(keys, existing.replace(/\.key$/, '.pub')) };
  return generateKeyFiles(keys, 'demo-ledger');
};

/**
 * Where the demo records: a fresh SQLite file in DIR by default; with `--ledger esdb://…`, a
 * fresh stream prefix on that server (unless --prefix names one); with `--ledger postgres://…`, a
 * fresh schema. So runs never mix.
 */
const demoTarget = async (dir: string, values: { ledger?: string; prefix?: string }, force: boolean) => {
  if (values.ledger !== undefined && isEventStoreDBSpec(values.ledger)) {
    const prefix = values.prefix ?? `demo-${Date.now().toString(36)}-`;
    const spec = values.ledger;
    // Printed without its credentials: the commands below show *** where the password goes.
    const shown = redactLedgerSpec(spec);
    return { open: () => openStore(spec, { prefix }), where: `on ${shown} under the stream prefix ${prefix}`, args: `--ledger '${shown}' --prefix ${prefix}` };
  }
  if (values.ledger !== undefined && isPostgresSpec(values.ledger)) {
    const schema = `demo_${Date.now().toString(36)}`;
    const url = new URL(values.ledger);
    url.searchParams.set('schema', schema);
    const spec = url.toString();
    return { open: () => openStore(spec), where: `on ${values.ledger} in the fresh schema ${schema}`, args: `--ledger '${spec}'` };
  }
  // The demo starts its file afresh: it never takes a path to a ledger that may hold real facts.
  if (values.ledger !== undefined) {
    throw new LedgerError('INVALID_INPUT', `demo records into DIR/demo.db (--dir); --ledger takes only an esdb:// or postgres:// server, where a fresh prefix or schema is used`);
  }
  const dbPath = join(dir, 'demo.db');
  if (existsSync(dbPath) && !force) {
    throw new LedgerError('INVALID_INPUT', `${dbPath} holds the ledger of an earlier demo: pass --force to replace it, or --dir another folder`, { ledger: dbPath });
  }
  for (const suffix of ['', '-wal', '-shm']) await rm(dbPath + suffix, { force: true });
  const rel = relative(process.cwd(), dbPath) || dbPath;
  // NORMAL: the demo records thousands of small live batches; WAL still never corrupts on a crash.
  const open = async () => (await import('../../store/sqlite.js')).sqliteStore(dbPath, { synchronous: 'NORMAL' });
  return { open, where: rel, args: `--ledger ${rel}` };
};

// Within the ledger's default 5-minute tolerance for recording after the fact.
const LIVE_WINDOW_MS = 4 * 60_000;

/** Records facts in time order, in groups spanning at most LIVE_WINDOW_MS, each group on the clock of its last fact. */
const recordAsIfLive = async (facts: readonly FactInput[], setNow: (ms: number) => void, record: (batch: FactInput[]) => Promise<unknown>): Promise<void> => {
  for (let i = 0; i < facts.length; ) {
    const start = Date.parse(facts[i]!.at);
    let j = i + 1;
    while (j < facts.length && j - i < BATCH && Date.parse(facts[j]!.at) - start <= LIVE_WINDOW_MS) j++;
    setNow(Date.parse(facts[j - 1]!.at));
    await record(facts.slice(i, j));
    i = j;
  }
};

/** Which planted violations the audit found on the very fact they were planted on, and what else it found. */
const compare = (planted: readonly Planted[], violations: readonly Violation[]) => {
  const found = new Set(violations.map((v) => `${v.code} ${v.eventId}`));
  const expected = new Set(planted.map((p) => `${p.code} ${p.id}`));
  return {
    missed: planted.filter((p) => !found.has(`${p.code} ${p.id}`)),
    unexpected: violations.filter((v) => !expected.has(`${v.code} ${v.eventId}`)),
  };
};

export const demoCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { dir: { type: 'string' }, subjects: { type: 'string' }, ledger: { type: 'string' }, prefix: { type: 'string' }, at: { type: 'string' }, force: { type: 'boolean' } });
  const endAt = Date.parse(evaluationTime(values.at));
  // Its facts lie before --at, and a ledger refuses facts from the future.
  if (endAt > Date.now()) throw new LedgerError('INVALID_INPUT', `--at ${values.at} is in the future: the demo records sixty days that end at --at, and facts cannot lie ahead of now`);
  const dir = values.dir ?? 'privacy-ledger-demo';
  const subjects = values.subjects === undefined ? 1_000 : Number(values.subjects);
  if (!Number.isInteger(subjects) || subjects < 1) throw new LedgerError('INVALID_INPUT', `--subjects must be a positive whole number, not "${values.subjects}"`);
  await mkdir(dir, { recursive: true });
  const target = await demoTarget(dir, values, values.force === true);
  const key = await demoKey(dir);
  const signer = await loadSigner(key.secretPath);
  const workload = demoWorkload({ subjects, endAt });

  const n = (x: number) => x.toLocaleString('en-US');
  console.log(`Recording ${n(workload.facts.length)} facts about ${n(workload.people)} people (${n(subjects)} everyday lives and ${n(workload.people - subjects)} planted stories), the sixty days to ${workload.auditAt} of a consumer service under the seed privacy policy…`);
  // The sixty days are recorded as a live service would have: on a simulated clock, each fact
  // stamped when it happened, so no fact is RECORDED_LATE and every deadline is met in time or not.
  let now = Date.parse(workload.facts[0]!.at) - 3_600_000;
  const ledger = await openLedger({ store: await target.open(), signer, trust: [await loadTrustedKey(key.publicPath)], clock: () => new Date(now) });
  const t0 = performance.now();
  await recordAsIfLive(workload.facts, (ms) => (now = ms), (batch) => ledger.record(batch));
  now = Date.parse(workload.auditAt);
  // A signed checkpoint of the sixty days: what the verdict bundles below are tied to.
  await ledger.checkpoint();
  const recordMs = performance.now() - t0;
  const t1 = performance.now();
  const { integrity, report, state } = await ledger.audit({ at: workload.auditAt });
  const auditMs = performance.now() - t1;

  console.log(`  recorded, each fact signed (Ed25519) and hash-chained, in ${(recordMs / 1000).toFixed(1)} s; verified and audited in ${(auditMs / 1000).toFixed(1)} s\n`);
  console.log(integrity.findings.length === 0
    ? `Integrity: all ${n(integrity.checked)} events verify (the ${n(workload.facts.length)} facts, and ${n(integrity.checked - workload.facts.length)} the ledger records itself: its key, its policy and a checkpoint) — every signature against the demo's public key, every chain link.\n`
    : `Integrity: ${integrity.findings.length} finding(s)!`);
  printFindings(integrity.findings, (l) => console.log('  ' + l));
  console.log(renderAuditTable(report));

  const { missed, unexpected } = compare(workload.planted, report.violations);
  console.log(`\nThe demo planted ${workload.planted.length} violations; the audit found ${workload.planted.length - missed.length} of them on the very fact planted` +
    (unexpected.length ? `, and ${unexpected.length} it did not plant.` : ', and nothing else.'));
  for (const p of workload.planted) console.log(`  ${missed.includes(p) ? 'MISSED' : 'found '} ${p.code.padEnd(31)} ${p.story}`);
  for (const v of unexpected) console.log(`  EXTRA  ${v.code.padEnd(31)} ${v.message}`);

  const [html, ...csvs] = await writeDemoReports(dir, integrity, report, state);
  console.log(`\nFor a regulator: ${html} (open it in a browser; it loads nothing from anywhere) and ${csvs.join(', ')}.`);

  const pub = relative(process.cwd(), key.publicPath) || key.publicPath;
  const bundles = await writeDemoBundles(ledger, dir, report, workload.planted, pub);
  await ledger.close();
  console.log(`
The ledger is ${target.where}. Try next:
  npx privacy-ledger verify ${target.args} --trust ${pub}
  npx privacy-ledger audit  ${target.args} --at ${workload.auditAt} --json > audit.json
  npx privacy-ledger report ${target.args} --subject u-0000 --at ${workload.auditAt}
  npx privacy-ledger report ${target.args} --subject u-0000 --at ${workload.auditAt} --format html --out u-0000.html
  npx privacy-ledger consents ${target.args} --at ${workload.auditAt} --controller demo-service --withdrawal-method 'Account settings > Privacy' > consents.json`);
  console.log(bundles.join('\n'));
  return integrity.findings.length === 0 && missed.length === 0 && unexpected.length === 0 ? 0 : 1;
};
