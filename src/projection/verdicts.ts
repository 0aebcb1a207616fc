import type { AccessVerdict, DisclosureVerdict, Obligation, UseVerdict, Violation, ViolationCode } from './compliance-types.js';
import { isoOf, proofOf, type ComplianceState, type DisclosureRecord, type KeptVerdict } from './compliance-state.js';
import { noticeObligation, noticeStatus, noticeViolationMessage } from './rules-disclosure.js';
import { incidentFindings, policyNoticeFindings, type DeadlineFindings } from './rules-security.js';

const lastOf = (v: KeptVerdict) => (v.lastId === undefined ? {} : { lastEventId: v.lastId, lastAt: v.lastAt! });

export const useVerdictOf = (v: KeptVerdict): UseVerdict => ({
  eventId: v.id,
  at: v.at,
  subject: v.subject!,
  verdict: v.codes === undefined ? 'ok' : 'violation',
  ...(v.basis === undefined ? {} : { basis: v.basis }),
  purpose: v.purpose,
  categories: [...v.categories],
  proof: v.proof.map(proofOf),
  ...(v.codes === undefined ? {} : { codes: v.codes }),
  count: v.count,
  ...lastOf(v),
});

export const accessVerdictOf = (v: KeptVerdict): AccessVerdict => ({
  eventId: v.id,
  at: v.at,
  ...(v.subject === undefined ? {} : { subject: v.subject }),
  staff: v.staff!,
  verdict: v.codes === undefined ? 'ok' : 'violation',
  purpose: v.purpose,
  categories: [...v.categories],
  proof: v.proof.map(proofOf),
  ...(v.codes === undefined ? {} : { codes: v.codes }),
  count: v.count,
  ...lastOf(v),
});

/** A disclosure's verdict at `evalMs`, with its notice violation or obligation, if any. */
export interface DisclosureFindings {
  readonly verdict: DisclosureVerdict;
  readonly violation?: Violation;
  readonly obligation?: Obligation;
}

export const disclosureFindings = (d: DisclosureRecord, evalMs: number): DisclosureFindings => {
  const status = noticeStatus(d, evalMs);
  const late = status === 'overdue' || status === 'notified-late';
  const codes: ViolationCode[] = late ? [...d.codes, 'DISCLOSURE_NOT_NOTIFIED'] : [...d.codes];
  const ok = codes.length === 0;
  const proof = ok && d.notice !== undefined ? [...d.proof, d.notice] : d.proof;
  const verdict: DisclosureVerdict = {
    eventId: d.ref.id,
    at: d.ref.at,
    subject: d.subject,
    verdict: ok ? 'ok' : 'violation',
    ...(d.basis === undefined ? {} : { basis: d.basis }),
    recipient: d.recipient,
    reason: d.reason,
    categories: d.categories,
    ...(d.legalRef === undefined ? {} : { legalRef: d.legalRef }),
    ...(d.consentRef === undefined ? {} : { consentRef: d.consentRef }),
    proof: ok ? proof.map(proofOf) : [],
    ...(ok ? {} : { codes }),
    notice: {
      status,
      dueBy: isoOf(d.dueMs),
      ...(d.deferralRef === undefined ? {} : { deferredUntil: d.deferredUntil, deferralRef: d.deferralRef }),
      ...(d.notice === undefined ? {} : { notifiedAt: d.notice.at, notifiedBy: d.notice.id }),
    },
  };
  if (late) {
    const violation: Violation = {
      code: 'DISCLOSURE_NOT_NOTIFIED',
      eventId: d.ref.id,
      subject: d.subject,
      message: noticeViolationMessage(d),
      evidence: d.notice === undefined ? [] : [d.notice.id],
      at: d.ref.at,
    };
    return { verdict, violation };
  }
  if (status === 'pending' || status === 'deferred') return { verdict, obligation: noticeObligation(d, evalMs) };
  return { verdict };
};

/** Every deadline judged at `evalMs`, and the disclosure verdicts that depend on it. */
export const deadlineFindings = (state: ComplianceState, evalMs: number): DeadlineFindings & { disclosures: DisclosureVerdict[] } => {
  const out: DeadlineFindings & { disclosures: DisclosureVerdict[] } = { violations: [], obligations: [], disclosures: [] };
  for (const d of state.disclosures.values()) {
    const f = disclosureFindings(d, evalMs);
    out.disclosures.push(f.verdict);
    if (f.violation !== undefined) out.violations.push(f.violation);
    if (f.obligation !== undefined) out.obligations.push(f.obligation);
  }
  policyNoticeFindings(state, evalMs, out);
  incidentFindings(state, evalMs, out);
  return out;
};

/** Violations in the order their facts happened (stable for facts at the same instant). */
export const byTime = <T extends { readonly at: string }>(xs: readonly T[]): T[] =>
  xs
    .map((x, i) => ({ x, i, ms: Date.parse(x.at) }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map((d) => d.x);

/** Obligations, soonest due first. */
export const byDue = (xs: readonly Obligation[]): Obligation[] =>
  xs
    .map((x, i) => ({ x, i, ms: Date.parse(x.dueBy) }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map((d) => d.x);
