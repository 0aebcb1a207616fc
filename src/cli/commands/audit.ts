import { join } from 'node:path';
import { LedgerError } from '../../domain/errors.js';
import { isIsoTimestamp } from '../../domain/ids.js';
import { displayJson } from '../../audit/escape.js';
import { CSV_TABLES, isCsvTable, renderCsv } from '../../audit/csv.js';
import { renderAuditHtml } from '../../audit/html-audit.js';
import { renderAuditTable } from '../../audit/render.js';
import { policyAt } from '../../projection/queries.js';
import type { ComplianceReport } from '../../projection/compliance-types.js';
import type { IntegrityFinding } from '../../seal/verify.js';
import { printFindings } from '../findings.js';
import { parse } from '../args.js';
import { verdictExit } from '../exit.js';
import { outputFormat } from '../format.js';
import { auditJson } from '../json.js';
import { ledgerOptions, verificationOptions, withAudit } from '../open.js';
import { emit, outputDir, writeWhole } from '../write-out.js';

/** `--at` as given, or now: an ISO-8601 UTC instant, so a report can be reproduced. */
export const evaluationTime = (at: string | undefined): string => {
  if (at === undefined) return new Date().toISOString();
  if (!isIsoTimestamp(at)) throw new LedgerError('INVALID_INPUT', `--at must be an ISO-8601 UTC time like 2026-11-01T00:00:00Z, not "${at}"`);
  return at;
};

/** Integrity before anything else: a report on facts that do not verify proves nothing, and must not look clean. */
export const integrityBanner = (findings: readonly IntegrityFinding[], out: (line: string) => void): void => {
  if (findings.length === 0) return;
  out(`INTEGRITY FAILURE: ${findings.length} finding(s) — the report below is on facts that cannot all be trusted:`);
  printFindings(findings, (l) => out('  ' + l));
  out('');
};

const FORMATS = ['text', 'json', 'html', 'csv'] as const;

/** CSV: one table (`--table`) to stdout or a file, or all of them into the directory `--out`. */
export const writeCsvTables = async (report: ComplianceReport, table: string | undefined, out: string | undefined): Promise<string[]> => {
  if (table !== undefined) {
    if (!isCsvTable(table)) throw new LedgerError('INVALID_INPUT', `--table must be one of ${CSV_TABLES.join(', ')}, not "${table}"`);
    await emit(renderCsv(report, table), out);
    return out === undefined ? [] : [out];
  }
  if (out === undefined) throw new LedgerError('INVALID_INPUT', `--format csv writes ${CSV_TABLES.join(', ')}: give --out DIR for all of them, or --table NAME for one`);
  const dir = await outputDir(out);
  const written: string[] = [];
  for (const t of CSV_TABLES) {
    const path = join(dir, `${t}.csv`);
    await writeWhole(path, renderCsv(report, t));
    written.push(path);
  }
  return written;
};

export const auditCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, {
    ...ledgerOptions,
    ...verificationOptions,
    at: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
    table: { type: 'string' },
    'every-verdict': { type: 'boolean' },
  });
  const format = outputFormat(values, FORMATS);
  if (values.table !== undefined && format !== 'csv') throw new LedgerError('INVALID_INPUT', '--table is for --format csv');
  const at = evaluationTime(values.at);
  const every = values['every-verdict'] === true || format === 'csv';
  return withAudit(values, at, { keepEveryVerdict: every }, async ({ integrity, report, state }) => {
    if (format === 'json') await emit(displayJson(auditJson(integrity, report)), values.out);
    else if (format === 'html') await emit(renderAuditHtml({ report, integrity, policy: policyAt(state, at).policy }), values.out);
    else if (format === 'csv') {
      const written = await writeCsvTables(report, values.table, values.out);
      if (values.table === undefined) for (const p of written) console.error(`wrote ${p}`);
    } else {
      const text: string[] = [];
      integrityBanner(integrity.findings, (l) => text.push(l));
      text.push(renderAuditTable(report));
      await emit(text.join('\n'), values.out);
    }
    if (format !== 'text' && integrity.findings.length > 0) console.error(`INTEGRITY FAILURE: ${integrity.findings.length} finding(s) — run verify`);
    return verdictExit(integrity.findings.length, report.violations.length);
  });
};
