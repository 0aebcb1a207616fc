import { LedgerError } from '../domain/errors.js';
import type { Fact, FactType } from '../domain/facts.js';
import { isUuid } from '../domain/ids.js';
import type { Envelope } from '../seal/envelope.js';
import { sealingSubjectOf } from '../seal/fact-sealing.js';
import type { IntegrityFinding } from '../seal/verify.js';
import type { ComplianceState } from '../projection/compliance-state.js';
import { complianceReport } from '../projection/compliance-report.js';
import type { Obligation, ProofRef, UseBasis, Verdict, Violation, ViolationCode } from '../projection/compliance-types.js';
import { BASIS_TEXT, ruleOf, rulesJudging } from '../projection/rules-catalogue.js';
import type { Revealer, Sealer } from './sealer.js';
import type { VerifyResult } from './verified-view.js';

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
  /** The fact, opened where the key store holds its subject's key; as sealed (pseudonyms, tags) otherwise. */
  readonly fact: Fact;
  /** Present when the fact's subject was erased: nothing of it can be opened, and the fact is shown as sealed. */
  readonly erased?: true;
  /**
   * `unjudged`: no rule judges facts of this type (a collection, a consent, a notice, …), or the
   * event itself does not verify (see `integrity`): like verify and audit, no verdict rests on it.
   */
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
  readonly store: { readonly name: string };
  /**
   * The ledger's one verified pass from the log's first row, keeping every verdict, as audit
   * makes it; `onRead` is told of every envelope read.
   */
  readonly replay: (onRead: (env: Envelope) => void) => Promise<{ readonly result: VerifyResult; readonly state: ComplianceState }>;
  /** Opens a subject's facts for showing (with a key store). */
  readonly sealing: Pick<Sealer, 'active' | 'revealerOf'>;
}

/** The pseudonyms a stored fact names its subjects by. */
const subjectsOf = (f: Fact): string[] => {
  if (f.type === 'IncidentDetected' || f.type === 'IncidentSubjectsNotified') return [...f.subjects];
  const owner = sealingSubjectOf(f);
  return owner === undefined ? [] : [owner];
};

/** What the key store opens of the fact's subjects; `erased` when its one subject was erased. */
const openedBy = async (sealing: ExplainSource['sealing'], fact: Fact): Promise<{ erased: boolean; reveal: Revealer['reveal'] }> => {
  if (!sealing.active) return { erased: false, reveal: (v) => v };
  const revealers = await Promise.all(subjectsOf(fact).map((p) => sealing.revealerOf(p)));
  // An erased subject's revealer opens nothing: it stays its pseudonym.
  return {
    erased: revealers.length === 1 && revealers[0]!.erased,
    reveal: <T>(v: T): T => revealers.reduce((x, r) => r.reveal(x), v),
  };
};

const rulesFor = (type: FactType): RuleRef[] => rulesJudging(type).map((r) => ({ code: r.code, text: r.text }));

/**
 * Explains one event: the same verified pass over the store that verify and audit make, folding
 * the compliance view keeping every verdict, so a lawful use grouped with others in an audit
 * still has its own verdict and proof here. Deadlines are judged at `at`. With a key store the
 * fact and what is said of it are shown opened, unless its subject was erased.
 */
export const explainEvent = async ({ store, replay, sealing }: ExplainSource, eventId: string, at: string | Date): Promise<Explanation> => {
  if (!isUuid(eventId)) throw new LedgerError('INVALID_INPUT', `an event id is a UUID, not "${eventId}"`, { eventId });
  const wanted = eventId.toLowerCase();
  let found: Envelope | undefined;
  const { result, state } = await replay((env) => {
    if (env.id.toLowerCase() === wanted) found = env;
  });
  if (!found) throw new LedgerError('EVENT_NOT_FOUND', `no event ${eventId} in ${store.name}`, { eventId });
  const event: Envelope = found;
  const report = complianceReport(state, at);
  const mine = (v: { eventId: string }) => v.eventId.toLowerCase() === wanted;
  const verdict: Verdict | undefined = [...report.uses, ...report.accesses, ...report.disclosures].find(mine);
  const violations = report.violations.filter(mine).map((v) => ({ ...v, rule: ruleOf(v.code).text }));
  const rules = rulesFor(event.fact.type);
  // An event with a finding is never folded: it has no verdict, as in the audit.
  const folded = !result.findings.some((f) => f.eventId.toLowerCase() === wanted);
  const basis = violations.length === 0 ? verdict?.basis : undefined;
  const basisText = basis !== undefined && basis in BASIS_TEXT ? BASIS_TEXT[basis as UseBasis] : basis !== undefined ? `disclosed for a lawful reason of the policy: ${basis}` : undefined;
  const opened = await openedBy(sealing, event.fact);
  return {
    eventId: event.id,
    type: event.fact.type,
    stream: event.stream,
    revision: event.revision,
    recordedAt: event.recordedAt,
    keyId: event.keyId,
    hash: event.hash,
    fact: opened.reveal(event.fact),
    ...(opened.erased ? { erased: true as const } : {}),
    verdict: violations.length > 0 ? 'violation' : rules.length === 0 || !folded ? 'unjudged' : 'ok',
    ...(basis === undefined ? {} : { basis, basisText: basisText! }),
    proof: violations.length === 0 ? verdict?.proof ?? [] : [],
    violations: opened.reveal(violations),
    rules,
    obligations: opened.reveal(report.obligations.filter(mine)),
    integrity: { checked: result.checked, findings: result.findings },
  };
};
