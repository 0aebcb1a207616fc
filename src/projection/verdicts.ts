import type { DisclosureVerdict, Obligation, Violation, ViolationCode } from './compliance-types.js';
import type { ComplianceState, DisclosureRecord } from './compliance-state.js';
import { disclosureVerdictOf } from './output.js';
import { noticeObligation, noticeStatus, noticeViolationMessage } from './rules-disclosure.js';
import { incidentFindings, policyNoticeFindings, type DeadlineFindings } from './rules-security.js';

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
  const verdict = disclosureVerdictOf(d, status, codes);
  if (late) {
    const violation: Violation = {
      code: 'DISCLOSURE_NOT_NOTIFIED',
      eventId: d.ref.eventId,
      subject: d.subject,
      message: noticeViolationMessage(d),
      evidence: d.notice === undefined ? [] : [d.notice.eventId],
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
