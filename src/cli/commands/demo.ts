import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { renderAuditTable } from '../../audit/render.js';
import { openLedger } from '../../ledger/ledger.js';
import { generateKeyFiles, loadSigner, loadTrustedKey } from '../../seal/keys.js';
import { isEventStoreDBSpec, openStore } from '../../store/open.js';
import { sqliteStore } from '../../store/sqlite.js';
import { LedgerError } from '../../domain/errors.js';
import { parse } from '../args.js';
import { demoWorkload, type Planted } from '../demo/workload.js';
import { printFindings } from '../findings.js';
import type { Violation } from '../../projection/compliance-types.js';
import { writeDemoReports } from '../demo/reports.js';

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
 * fresh stream prefix on that server (unless --prefix names one), so runs never mix.
 */
const demoTarget = async (dir: string, values: { ledger?: string; prefix?: string }) => {
  if (values.ledger !== undefined && isEventStoreDBSpec(values.ledger)) {
    const prefix = values.prefix ?? `demo-${Date.now().toString(36)}-`;
    const spec = values.ledger;
    return { open: () => openStore(spec, { prefix }), where: `on ${spec} under the stream prefix ${prefix}`, args: `--ledger '${spec}' --prefix ${prefix}` };
  }
  // The demo starts its file afresh: it never takes a path to a ledger that may hold real facts.
  if (values.ledger !== undefined) {
    throw new LedgerError('INVALID_INPUT', `demo records into DIR/demo.db (--dir); --ledger takes only an esdb:// server, where a fresh stream prefix is used`);
  }
  const dbPath = join(dir, 'demo.db');
  for (const suffix of ['', '-wal', '-shm']) await rm(dbPath + suffix, { force: true });
  const rel = relative(process.cwd(), dbPath) || dbPath;
  return { open: async () => sqliteStore(dbPath), where: rel, args: `--ledger ${rel}` };
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
  const { values } = parse(args, { dir: { type: 'string' }, subjects: { type: 'string' }, ledger: { type: 'string' }, prefix: { type: 'string' } });
  const dir = values.dir ?? 'privacy-ledger-demo';
  const subjects = values.subjects === undefined ? 1_000 : Number(values.subjects);
  if (!Number.isInteger(subjects) || subjects < 1) throw new LedgerError('INVALID_INPUT', `--subjects must be a positive whole number, not "${values.subjects}"`);
  await mkdir(dir, { recursive: true });
  const target = await demoTarget(dir, values);
  const key = await demoKey(dir);
  const signer = await loadSigner(key.secretPath);
  const workload = demoWorkload({ subjects });

  console.log(`Recording ${workload.facts.length.toLocaleString('en-US')} facts about ${subjects.toLocaleString('en-US')} people, sixty days of a consumer service under the seed privacy policy…`);
  const ledger = await openLedger({ store: await target.open(), signer, trust: [await loadTrustedKey(key.publicPath)] });
  const t0 = performance.now();
  for (let i = 0; i < workload.facts.length; i += BATCH) await ledger.record(workload.facts.slice(i, i + BATCH));
  const recordMs = performance.now() - t0;
  const t1 = performance.now();
  const { integrity, report, state } = await ledger.audit({ at: workload.auditAt });
  const auditMs = performance.now() - t1;
  await ledger.close();

  console.log(`  recorded, each fact signed (Ed25519) and hash-chained, in ${(recordMs / 1000).toFixed(1)} s; verified and audited in ${(auditMs / 1000).toFixed(1)} s\n`);
  console.log(integrity.findings.length === 0
    ? `Integrity: all ${integrity.checked.toLocaleString('en-US')} events verify — every signature against the demo's public key, every chain link.\n`
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
  console.log(`
The ledger is ${target.where}. Try next:
  npx privacy-ledger verify ${target.args} --trust ${pub}
  npx privacy-ledger audit  ${target.args} --at ${workload.auditAt} --json > audit.json
  npx privacy-ledger report ${target.args} --subject u-0000 --at ${workload.auditAt}
  npx privacy-ledger report ${target.args} --subject u-0000 --at ${workload.auditAt} --format html --out u-0000.html
  npx privacy-ledger consents ${target.args} --at ${workload.auditAt} --controller demo-service --withdrawal-method 'Account settings > Privacy' > consents.json`);
  return integrity.findings.length === 0 && missed.length === 0 && unexpected.length === 0 ? 0 : 1;
};
