import { LedgerError } from '../domain/errors.js';
import type { Fact, FactType } from '../domain/facts.js';
import { isUuid } from '../domain/ids.js';
import type { Policy } from '../domain/policy.js';
import type { Envelope } from '../seal/envelope.js';
import type { TrustedKey } from '../seal/keys.js';
import { integrityChecker, type IntegrityFinding } from '../seal/verify.js';
import type { EventStore } from '../store/port.js';
import { applyCompliance, initialComplianceState } from '../projection/compliance.js';
import { complianceReport } from '../projection/compliance-report.js';
import type { Obligation, ProofRef, UseBasis, Verdict, Violation, ViolationCode } from '../projection/compliance-types.js';
import { BASIS_TEXT, ruleOf, rulesJudging } from '../projection/rules-catalogue.js';

/** A rule that judges a fact: its code and what it says. */
export interface RuleRef {
  readonly code: ViolationCode;
  readonly text: string;
}

/** A violation found on the event, with the rule it breaks. */
export interface ExplainedViolation extends Violation {
  readonly rule: string;
}

/** Everything the ledger says about one event: what it is, where it is sealed, and why its verdict. */
export interface Explanation {
  readonly eventId: string;
  readonly type: FactType;
  readonly stream: string;
  readonly revision: number;
  readonly recordedAt: string;
  readonly keyId: string;
  readonly hash: string;
  readonly fact: Fact;
  /** `unjudged`: no rule judges facts of this type (a collection, a consent, a notice, …). */
  readonly verdict: 'ok' | 'violation' | 'unjudged';
  /** For a lawful use: its basis; for a lawful disclosure: its reason. */
  readonly basis?: string;
  /** What the basis means. */
  readonly basisText?: string;
  /** The events that justify an `ok` verdict: ids, hashes and types. */
  readonly proof: readonly ProofRef[];
  readonly violations: readonly ExplainedViolation[];
  /** Every rule that judges facts of this type. */
  readonly rules: readonly RuleRef[];
  /** What this event still obliges someone to do, and by when. */
  readonly obligations: readonly Obligation[];
  /** The whole ledger was verified on the way: findings here mean the explanation proves nothing. */
  readonly integrity: { readonly checked: number; readonly findings: readonly IntegrityFinding[] };
}

export interface ExplainSource {
  readonly store: EventStore;
  readonly policy: Policy;
  readonly trust?: readonly TrustedKey[];
}

const rulesFor = (type: FactType): RuleRef[] => rulesJudging(type).map((r) => ({ code: r.code, text: r.text }));

/**
 * Explains one event: one pass over the store that verifies every event and folds the
 * compliance view keeping every verdict, so a lawful use grouped with others in an audit
 * still has its own verdict and proof here. Deadlines are judged at `at`.
 */
export const explainEvent = async ({ store, policy, trust }: ExplainSource, eventId: string, at: string | Date): Promise<Explanation> => {
  if (!isUuid(eventId)) throw new LedgerError('INVALID_INPUT', `an event id is a UUID, not "${eventId}"`, { eventId });
  const wanted = eventId.toLowerCase();
  const state = initialComplianceState({ defaultPolicy: policy, keepEveryVerdict: true });
  const checker = integrityChecker({ trust: trust ?? [] });
  let found: Envelope | undefined;
  for await (const ev of store.readAll()) {
    const env = await checker.check(ev);
    if (!env) continue;
    if (env.id.toLowerCase() === wanted) found = env;
    applyCompliance(state, env);
  }
  const findings = await checker.finish();
  if (!found) throw new LedgerError('EVENT_NOT_FOUND', `no event ${eventId} in ${store.name}`, { eventId });
  const report = complianceReport(state, at);
  const mine = (v: { eventId: string }) => v.eventId.toLowerCase() === wanted;
  const verdict: Verdict | undefined = [...report.uses, ...report.accesses, ...report.disclosures].find(mine);
  const violations = report.violations.filter(mine).map((v) => ({ ...v, rule: ruleOf(v.code).text }));
  const rules = rulesFor(found.fact.type);
  const basis = violations.length === 0 ? verdict?.basis : undefined;
  const basisText = basis !== undefined && basis in BASIS_TEXT ? BASIS_TEXT[basis as UseBasis] : basis !== undefined ? `disclosed for a lawful reason of the policy: ${basis}` : undefined;
  return {
    eventId: found.id,
    type: found.fact.type,
    stream: found.stream,
    revision: found.revision,
    recordedAt: found.recordedAt,
    keyId: found.keyId,
    hash: found.hash,
    fact: found.fact,
    verdict: violations.length > 0 ? 'violation' : rules.length === 0 ? 'unjudged' : 'ok',
    ...(basis === undefined ? {} : { basis, basisText: basisText! }),
    proof: violations.length === 0 ? verdict?.proof ?? [] : [],
    violations,
    rules,
    obligations: report.obligations.filter(mine),
    integrity: { checked: checker.checked, findings },
  };
};

