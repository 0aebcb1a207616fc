import { join, relative } from 'node:path';
import { CSV_TABLES, renderCsv } from '../../audit/csv.js';
import { renderAuditHtml, type IntegritySummary } from '../../audit/html-audit.js';
import type { ComplianceReport } from '../../projection/compliance-types.js';
import type { ComplianceState } from '../../projection/compliance-state.js';
import { policyAt } from '../../projection/queries.js';
import { outputDir, writeWhole } from '../write-out.js';

/** The demo's audit as a regulator gets it: DIR/report.html and DIR/csv/*.csv. Returns the paths, relative to the working directory. */
export const writeDemoReports = async (dir: string, integrity: IntegritySummary, report: ComplianceReport, state: ComplianceState): Promise<string[]> => {
  const html = join(dir, 'report.html');
  await writeWhole(html, renderAuditHtml({ report, integrity, policy: policyAt(state, report.summary.at).policy }));
  const csvDir = await outputDir(join(dir, 'csv'));
  const paths = [html];
  for (const t of CSV_TABLES) {
    const p = join(csvDir, `${t}.csv`);
    await writeWhole(p, renderCsv(report, t));
    paths.push(p);
  }
  return paths.map((p) => relative(process.cwd(), p) || p);
};
