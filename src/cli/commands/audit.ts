import { join } from 'node:path';
import { LedgerError } from '../../domain/errors.js';
import { isIsoTimestamp } from '../../domain/ids.js';
import { CSV_TABLES, isCsvTable, renderCsv } from '../../audit/csv.js';
import { renderAuditHtml } from '../../audit/html-audit.js';
import { auditJson } from '../../audit/json.js';
import { renderAuditTable } from '../../audit/render.js';
import { policyAt } from '../../projection/queries.js';
import type { ComplianceReport } from '../../projection/compliance-types.js';
import { printFindings } from '../findings.js';
import { parse } from '../args.js';
import { outputFormat } from '../format.js';
import { ledgerOptions, openCliLedger } from '../open.js';
import { progress } from '../progress.js';
import { emit, outputDir, writeWhole } from '../write-out.js';

/** `--at` as given, or now: an ISO-8601 UTC instant, so a report can be reproduced. */
export const evaluationTime = (at: string | undefined): string => {
  if (at === undefined) return new Date().toISOString();
  if (!isIsoTimestamp(at)) throw new LedgerError('INVALID_INPUT', `--at must be an ISO-8601 UTC time like 2026-11-01T00:00:00Z, not "${at}"`);
  return at;
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
    at: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
    table: { type: 'string' },
    trust: { type: 'string', multiple: true },
  });
  const format = outputFormat(values, FORMATS);
  if (values.table !== undefined && format !== 'csv') throw new LedgerError('INVALID_INPUT', '--table is for --format csv');
  const at = evaluationTime(values.at);
  const ledger = await openCliLedger(values);
  const bar = progress('audited');
  try {
    const every = format === 'json' || format === 'csv';
    const { integrity, report, state } = await ledger.audit({ at, keepEveryVerdict: every, onProgress: (n) => bar.update(n) });
    bar.done();
    if (format === 'json') await emit(JSON.stringify(auditJson(integrity, report), null, 2), values.out);
    else if (format === 'html') await emit(renderAuditHtml({ report, integrity, policy: policyAt(state, at).policy }), values.out);
    else if (format === 'csv') {
      const written = await writeCsvTables(report, values.table, values.out);
      if (values.table === undefined) for (const p of written) console.error(`wrote ${p}`);
    } else {
      const text = [renderAuditTable(report)];
      if (integrity.findings.length > 0) {
        text.push(`\nINTEGRITY: ${integrity.findings.length} finding(s) — the facts above cannot all be trusted:`);
        printFindings(integrity.findings, (l) => text.push('  ' + l));
      }
      await emit(text.join('\n'), values.out);
    }
    if (format !== 'text' && integrity.findings.length > 0) console.error(`INTEGRITY: ${integrity.findings.length} finding(s) — run verify`);
    return integrity.findings.length > 0 ? 3 : report.violations.length > 0 ? 2 : 0;
  } finally {
    await ledger.close();
  }
};
