import type { Fact } from '../domain/facts.js';
import { policyOf } from '../domain/policy.js';
import type {
  CheckResult,
  ConsentAt,
  DisclosureRegister,
  DisclosureVerdict,
  Obligation,
  PolicyInForce,
  RegisterReason,
  Violation,
} from './compliance-types.js';
import {
  isoOf,
  policyAtMs,
  policyRecordAt,
  toMs,
  type ComplianceState,
  type ConsentRecord,
  type DisclosureRecord,
  type IncidentRecord,
  type Ref,
} from './compliance-state.js';
import type { Judgement } from './rules-common.js';
import { disclosureRecordOf, judgeDisclosure } from './rules-disclosure.js';
import { incidentFindings, judgeAccess, policyNoticeFindings, type DeadlineFindings } from './rules-security.js';
import { judgeUse } from './rules-use.js';
import { proofOf } from './output.js';
import { disclosureFindings } from './verdicts.js';

/** The policy in force at `at`: the PolicyPublished with the latest effectiveAt not after it, else the default. */
export const policyAt = (state: ComplianceState, at: string | Date | number): PolicyInForce => {
  const rec = policyRecordAt(state, toMs(at));
  return rec === undefined ? { policy: state.options.defaultPolicy } : { policy: rec.policy, publishedBy: proofOf(rec.ref) };
};

/**
 * The consent event for `purpose` in force at `ms`: the latest by time (then by order) not after
 * it, among those known by then — recorded by `knownBy` — so that a consent recorded later and
 * dated back never shows as given at a time the log did not yet hold it.
 */
const consentEventAt = (consents: readonly ConsentRecord[], purpose: string, ms: number, knownBy: number): ConsentRecord | undefined => {
  let best: ConsentRecord | undefined;
  for (const e of consents) {
    if (e.ref.atMs > ms || e.ref.metMs > knownBy || !e.purposes.includes(purpose)) continue;
    if (best === undefined || e.ref.atMs >= best.ref.atMs) best = e;
  }
  return best;
};

/** Whether `subject` had consented to `purpose` at `at`, with the events that show it. */
export const consentAt = (state: ComplianceState, subject: string, purpose: string, at: string | Date | number): ConsentAt => {
  const ms = toMs(at);
  const knownBy = ms + state.options.clockToleranceMs;
  const consents = state.subjects.get(subject)?.consents ?? [];
  const e = consentEventAt(consents, purpose, ms, knownBy);
  const base = { subject, purpose, at: isoOf(ms) };
  if (e === undefined) return { ...base, state: 'none', evidence: [] };
  if (e.kind === 'granted') {
    return { ...base, state: 'granted', evidence: [proofOf(e.ref)], ...(e.recipients === undefined ? {} : { recipients: e.recipients }) };
  }
  const ended = consentEventAt(
    consents.filter((c) => c.kind === 'granted' && c.ref.seq < e.ref.seq),
    purpose,
    e.ref.atMs,
    knownBy,
  );
  return { ...base, state: 'withdrawn', evidence: ended === undefined ? [proofOf(e.ref)] : [proofOf(e.ref), proofOf(ended.ref)] };
};

/** Every disclosure at `at`, by reason then recipient, with notice status. */
export const disclosureRegister = (state: ComplianceState, at: string | Date | number): DisclosureRegister => {
  const ms = toMs(at);
  const lawful = policyAtMs(state, ms).disclosureReasons;
  const byReason = new Map<string, Map<string, DisclosureVerdict[]>>();
  for (const reason of lawful) byReason.set(reason, new Map());
  let total = 0;
  for (const d of state.disclosures.values()) {
    const v = disclosureFindings(d, ms).verdict;
    let recipients = byReason.get(v.reason);
    if (recipients === undefined) byReason.set(v.reason, (recipients = new Map()));
    const list = recipients.get(v.recipient) ?? [];
    recipients.set(v.recipient, list);
    list.push(v);
    total++;
  }
  const reasons: RegisterReason[] = [...byReason].map(([reason, recipients]) => {
    const all = [...recipients.values()].flat();
    return {
      reason,
      lawful: lawful.includes(reason),
      count: all.length,
      violations: all.filter((v) => v.verdict === 'violation').length,
      byRecipient: [...recipients]
        .map(([recipient, disclosures]) => ({ recipient, count: disclosures.length, disclosures }))
        .sort((a, b) => b.count - a.count || a.recipient.localeCompare(b.recipient)),
    };
  });
  return { at: isoOf(ms), total, byReason: reasons };
};

export const UNRECORDED = '(not recorded)';

const checkDisclosure = (state: ComplianceState, fact: Extract<Fact, { type: 'DataDisclosed' }>, ref: Ref, evalMs: number) => {
  const j = judgeDisclosure(state, fact, ref.atMs);
  const rec: DisclosureRecord = disclosureRecordOf(fact, ref, j);
  // A notice may already name this disclosure's own id.
  for (const n of state.pendingNotices.get(ref.eventId) ?? []) {
    if (n.subject === fact.subject && (rec.notice === undefined || n.ref.metMs < rec.notice.metMs)) rec.notice = n.ref;
  }
  const f = disclosureFindings(rec, evalMs);
  const out: DeadlineFindings = {
    violations: f.violation === undefined ? [] : [f.violation],
    obligations: f.obligation === undefined ? [] : [f.obligation],
  };
  return { j, out };
};

/** Deadline rules for a fact that is not folded yet: fold it into a throwaway view of the parts they read. */
const checkDeadlines = (state: ComplianceState, fact: Fact, ref: Ref, evalMs: number): DeadlineFindings => {
  const out: DeadlineFindings = { violations: [], obligations: [] };
  if (fact.type === 'PolicyPublished') {
    const scratch = { ...state, policies: [{ ref, policy: policyOf(fact), effectiveMs: Date.parse(fact.effectiveAt) }] };
    policyNoticeFindings(scratch, evalMs, out);
  } else if (fact.type === 'IncidentDetected') {
    const policy = policyAtMs(state, ref.atMs);
    const rec: IncidentRecord = {
      detected: ref,
      severity: fact.severity,
      categories: [...fact.categories],
      subjects: [...new Set(fact.subjects)],
      reportHours: policy.incidentReportHours,
      noticeHours: policy.incidentNoticeHours,
      reports: [],
      notices: new Map(),
    };
    incidentFindings({ ...state, incidents: new Map([[fact.incident, rec]]) }, evalMs, out);
  }
  return out;
};

/**
 * The verdict `fact` would get if it were recorded now (at evaluation time `at`), with
 * its proof; the state is not changed. What `ledger.check(fact)` answers.
 */
export const checkFact = (state: ComplianceState, fact: Fact, at: string | Date | number = Date.now(), now: string | Date | number = Date.now()): CheckResult => {
  const atMs = Date.parse(fact.at);
  const evalMs = toMs(at);
  const eventId = fact.id ?? UNRECORDED;
  // Recorded now, the fact would count from now: as recording it would make it.
  const ref: Ref = { eventId, hash: '', type: fact.type, seq: state.facts, at: fact.at, atMs, metMs: Math.max(atMs, toMs(now)) };
  let j: Judgement = { proof: [], problems: [] };
  let deadlines: DeadlineFindings = { violations: [], obligations: [] };
  if (fact.type === 'DataUsed') j = judgeUse(state, fact, atMs);
  else if (fact.type === 'PersonnelAccessed') j = judgeAccess(state, fact, atMs);
  else if (fact.type === 'DataDisclosed') ({ j, out: deadlines } = checkDisclosure(state, fact, ref, evalMs));
  else deadlines = checkDeadlines(state, fact, ref, evalMs);
  const subject = 'subject' in fact ? fact.subject : undefined;
  const violations: Violation[] = [
    ...j.problems.map((p) => ({
      code: p.code,
      eventId,
      ...(subject === undefined ? {} : { subject }),
      message: p.message,
      evidence: p.evidence,
      at: fact.at,
    })),
    ...deadlines.violations,
  ];
  const obligations: Obligation[] = deadlines.obligations;
  return {
    type: fact.type,
    verdict: violations.length === 0 ? 'ok' : 'violation',
    ...(j.basis === undefined ? {} : { basis: j.basis }),
    proof: violations.length === 0 ? j.proof.map(proofOf) : [],
    ...(violations.length === 0 ? {} : { codes: violations.map((v) => v.code) }),
    violations,
    obligations,
  };
};
