import type {
  ComplianceReport,
  ComplianceSummary,
  DisclosureVerdict,
  PurposeCounts,
  ReasonCounts,
  Violation,
  ViolationCode,
} from './compliance-types.js';
import { isoOf, policyAtMs, toMs, type ComplianceState } from './compliance-state.js';
import { accessVerdictOf, useVerdictOf } from './output.js';
import { byDue, byTime, deadlineFindings } from './verdicts.js';

const countByCode = (violations: readonly Violation[]): Partial<Record<ViolationCode, number>> => {
  const out: Partial<Record<ViolationCode, number>> = {};
  for (const v of violations) out[v.code] = (out[v.code] ?? 0) + 1;
  return out;
};

const countByReason = (state: ComplianceState, disclosures: readonly DisclosureVerdict[], evalMs: number): Record<string, ReasonCounts> => {
  const lawful = policyAtMs(state, evalMs).disclosureReasons;
  const out: Record<string, { -readonly [K in keyof ReasonCounts]: ReasonCounts[K] }> = {};
  for (const d of disclosures) {
    const c = (out[d.reason] ??= {
      disclosures: 0,
      ok: 0,
      violations: 0,
      lawful: lawful.includes(d.reason),
      notified: 0,
      pending: 0,
      overdue: 0,
    });
    c.disclosures++;
    if (d.verdict === 'ok') c.ok++;
    else c.violations++;
    const s = d.notice.status;
    if (s === 'notified') c.notified++;
    else if (s === 'pending' || s === 'deferred') c.pending++;
    else c.overdue++;
  }
  return out;
};

const factsByType = (state: ComplianceState): Record<string, number> => {
  const out: Record<string, number> = Object.fromEntries(state.byType);
  const hot: [string, number][] = [
    ['DataCollected', state.counts.collections],
    ['DataUsed', state.counts.uses],
    ['PersonnelAccessed', state.counts.accesses],
  ];
  for (const [type, k] of hot) if (k > 0) out[type] = k;
  return out;
};

const purposesObject = (state: ComplianceState): Record<string, PurposeCounts> => {
  const out: Record<string, PurposeCounts> = {};
  for (const [p, c] of state.byPurpose) out[p] = { ...c, byBasis: { ...c.byBasis } };
  return out;
};

/**
 * The audit report at evaluation time `at` (schemas/audit.schema.json): counts, every violation with its
 * evidence, the verdict and proof of every use and disclosure, and what is still due.
 */
export const complianceReport = (state: ComplianceState, at: string | Date | number): ComplianceReport => {
  const evalMs = toMs(at);
  const deadlines = deadlineFindings(state, evalMs);
  const violations = byTime([...state.violations, ...deadlines.violations]);
  const obligations = byDue(deadlines.obligations);
  const disclosures = deadlines.disclosures;
  const accesses = state.accessLog.map(accessVerdictOf);
  const summary: ComplianceSummary = {
    at: isoOf(evalMs),
    policyVersion: policyAtMs(state, evalMs).version,
    facts: state.facts,
    byType: factsByType(state),
    subjects: state.subjects.size,
    uses: state.counts.uses,
    usesOk: state.counts.usesOk,
    usesViolating: state.counts.uses - state.counts.usesOk,
    accesses: state.counts.accesses,
    accessesViolating: state.counts.accesses - state.counts.accessesOk,
    disclosures: disclosures.length,
    disclosuresViolating: disclosures.filter((d) => d.verdict === 'violation').length,
    incidents: [...state.incidents.values()].filter((r) => r.detected !== undefined).length,
    violations: violations.length,
    byCode: countByCode(violations),
    byPurpose: purposesObject(state),
    byReason: countByReason(state, disclosures, evalMs),
    obligations: obligations.length,
    backfilled: state.counts.backfilled,
    verdicts: state.options.keepEveryVerdict ? 'every' : 'grouped',
  };
  return { summary, violations, uses: state.useLog.map(useVerdictOf), accesses, disclosures, obligations };
};
