import type { ComplianceReport, ViolationCode } from '../projection/compliance-types.js';
import { RULE_CATALOGUE, type RuleEntry } from '../projection/rules-catalogue.js';
import type { IntegrityFinding } from '../seal/verify.js';

/** The audit's JSON document: the ledger verified, the report, and the catalogue entry of every rule it names. */
export interface AuditJson extends ComplianceReport {
  readonly ledger: string;
  readonly integrity: { readonly checked: number; readonly findings: readonly IntegrityFinding[] };
  readonly rules: Readonly<Partial<Record<ViolationCode, RuleEntry>>>;
}

export const auditJson = (integrity: { readonly store: string; readonly checked: number; readonly findings: readonly IntegrityFinding[] }, report: ComplianceReport): AuditJson => ({
  ledger: integrity.store,
  integrity: { checked: integrity.checked, findings: integrity.findings },
  ...report,
  rules: Object.fromEntries(Object.keys(report.summary.byCode).map((code) => [code, RULE_CATALOGUE[code as ViolationCode]])),
});
