import type { FactType } from '../domain/facts.js';
import type { Obligation, ProofRef, Violation } from './compliance-types.js';
import { toMs, type ComplianceState } from './compliance-state.js';
import { accessVerdictOf, useVerdictOf } from './output.js';
import { disclosureFindings } from './verdicts.js';

/** The facts a verdict bundle can prove: the ones judged on what came before them in the log. */
export const PROVABLE_TYPES = ['DataUsed', 'DataDisclosed', 'PersonnelAccessed'] as const satisfies readonly FactType[];
export type ProvableType = (typeof PROVABLE_TYPES)[number];

export const isProvableType = (type: string): type is ProvableType => (PROVABLE_TYPES as readonly string[]).includes(type);

/** One fact's verdict as the audit states it: lawful on a basis with its proof, or the violations it raises. */
export interface FactVerdict {
  readonly eventId: string;
  readonly type: ProvableType;
  readonly verdict: 'ok' | 'violation';
  /** For a lawful use or access: its basis; for a lawful disclosure: its reason. */
  readonly basis?: string;
  /** The events that justify an `ok` verdict (none for a violation). */
  readonly proof: readonly ProofRef[];
  readonly violations: readonly Violation[];
  /** What the fact still obliged someone to do at `judgedAt` (a disclosure's notice). */
  readonly obligations: readonly Obligation[];
  /** The time deadlines were judged at: when the fact was recorded. */
  readonly judgedAt: string;
}

/**
 * The verdict of one fact from a compliance state folded with `keepEveryVerdict` through that
 * fact, deadlines judged at `at`; undefined when the state holds no verdict for it. The audit,
 * `ledger.prove` and the bundle verifiers all take a verdict from here.
 */
export const factVerdict = (state: ComplianceState, eventId: string, type: ProvableType, at: string): FactVerdict | undefined => {
  const id = eventId.toLowerCase();
  const found = verdictRecord(state, id, type, toMs(at));
  if (found === undefined) return undefined;
  const violations = [...state.violations.filter((v) => v.eventId.toLowerCase() === id), ...found.late];
  const ok = violations.length === 0;
  return {
    eventId: found.eventId,
    type,
    verdict: ok ? 'ok' : 'violation',
    ...(ok && found.basis !== undefined ? { basis: found.basis } : {}),
    proof: ok ? found.proof : [],
    violations,
    obligations: found.obligations,
    judgedAt: at,
  };
};

interface Found {
  readonly eventId: string;
  readonly basis: string | undefined;
  readonly proof: readonly ProofRef[];
  /** Deadline violations, judged at the evaluation time (a disclosure's notice). */
  readonly late: readonly Violation[];
  readonly obligations: readonly Obligation[];
}

const verdictRecord = (state: ComplianceState, id: string, type: ProvableType, evalMs: number): Found | undefined => {
  if (type === 'DataDisclosed') {
    for (const [key, d] of state.disclosures) {
      if (key.toLowerCase() !== id) continue;
      const f = disclosureFindings(d, evalMs);
      return { eventId: d.ref.eventId, basis: f.verdict.basis, proof: f.verdict.proof, late: f.violation ? [f.violation] : [], obligations: f.obligation ? [f.obligation] : [] };
    }
    return undefined;
  }
  const log = type === 'DataUsed' ? state.useLog : state.accessLog;
  for (let i = log.length - 1; i >= 0; i--) {
    const v = log[i]!;
    if (v.eventId.toLowerCase() !== id || v.count !== 1) continue;
    const verdict = type === 'DataUsed' ? useVerdictOf(v) : accessVerdictOf(v);
    return { eventId: v.eventId, basis: verdict.basis, proof: verdict.proof, late: [], obligations: [] };
  }
  return undefined;
};
