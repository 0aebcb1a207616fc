import type { DataDisclosed } from '../domain/facts.js';
import { REASONS_NEEDING_LEGAL_REF, USER_AUTHORIZATION, type Policy } from '../domain/policy.js';
import type { NoticeStatus, Obligation } from './compliance-types.js';
import {
  DAY_MS,
  isoOf,
  policyRecordAt,
  type ComplianceState,
  type DisclosureRecord,
  type Ref,
  type SubjectState,
} from './compliance-state.js';
import { coverage, erasureProblem, missingCollectionProblem, pushRef, type Judgement, type Problem } from './rules-common.js';

type DisclosureFacts = Omit<DataDisclosed, 'type' | 'at' | 'id'>;

export interface DisclosureJudgement extends Judgement {
  readonly clockStartMs: number;
  readonly noticeDays: number;
  readonly dueMs: number;
}

const needsLegalRef = (reason: string): boolean => (REASONS_NEEDING_LEGAL_REF as readonly string[]).includes(reason);

/** A user-authorization disclosure must point at an unwithdrawn consent of the subject naming the recipient. */
const consentRefProblem = (s: SubjectState | undefined, d: DisclosureFacts, atMs: number, proof: Ref[]): Problem | undefined => {
  const fail = (why: string, evidence: readonly string[] = []): Problem => ({
    code: 'DISCLOSURE_MISSING_REFERENCE',
    message: `Disclosed data of subject ${d.subject} to "${d.recipient}" for "${USER_AUTHORIZATION}" ${why}`,
    evidence,
  });
  if (d.consentRef === undefined) return fail('without a consentRef to the consent that authorizes it.');
  const consents = s?.consents ?? [];
  const i = consents.findIndex((c) => c.ref.eventId === d.consentRef && c.kind === 'granted' && c.ref.atMs <= atMs);
  const consent = consents[i];
  if (consent === undefined) {
    return fail(`but consentRef ${d.consentRef} is not an earlier ConsentGranted of that subject.`);
  }
  if (!(consent.recipients ?? []).includes(d.recipient)) {
    const named = consent.recipients?.length ? `only ${consent.recipients.map((r) => `"${r}"`).join(', ')}` : 'no recipients';
    return fail(`but consent ${consent.ref.eventId} names ${named}.`, [consent.ref.eventId]);
  }
  for (let j = i + 1; j < consents.length; j++) {
    const w = consents[j]!;
    if (w.kind === 'withdrawn' && w.ref.atMs <= atMs && w.purposes.some((p) => consent.purposes.includes(p))) {
      return fail(`but consent ${consent.ref.eventId} was withdrawn (${w.ref.at}).`, [consent.ref.eventId, w.ref.eventId]);
    }
  }
  pushRef(proof, consent.ref);
  return undefined;
};

const reasonProblems = (
  s: SubjectState | undefined,
  d: DisclosureFacts,
  policy: Policy,
  atMs: number,
  proof: Ref[],
): Problem | undefined => {
  if (!policy.disclosureReasons.includes(d.reason)) {
    return {
      code: 'DISCLOSURE_WITHOUT_REASON',
      message:
        `Disclosed data of subject ${d.subject} to "${d.recipient}" for reason "${d.reason}", which is not a lawful ` +
        `disclosure reason of policy ${policy.version}.`,
      evidence: [],
    };
  }
  if (needsLegalRef(d.reason) && d.legalRef === undefined) {
    return {
      code: 'DISCLOSURE_MISSING_REFERENCE',
      message: `Disclosed data of subject ${d.subject} to "${d.recipient}" for "${d.reason}" without a legal reference.`,
      evidence: [],
    };
  }
  return d.reason === USER_AUTHORIZATION ? consentRefProblem(s, d, atMs, proof) : undefined;
};

/** Judge a DataDisclosed dated `atMs`: the rules that do not depend on time passing. Pure. */
export const judgeDisclosure = (state: ComplianceState, d: DisclosureFacts, atMs: number): DisclosureJudgement => {
  const s = state.subjects.get(d.subject);
  const policyRec = policyRecordAt(state, atMs);
  const policy = policyRec?.policy ?? state.options.defaultPolicy;
  const problems: Problem[] = [];
  const erased = erasureProblem(s, d.subject, atMs, 'Disclosed');
  if (erased !== undefined) problems.push(erased);
  const { covering, missing } = coverage(s, d.categories, atMs);
  if (missing.length > 0) problems.push(missingCollectionProblem(s, d.subject, missing, `Disclosed to "${d.recipient}"`));
  const proof = covering;
  const reasonProblem = reasonProblems(s, d, policy, atMs, proof);
  if (reasonProblem !== undefined) problems.push(reasonProblem);
  if (policyRec !== undefined) pushRef(proof, policyRec.ref);

  const deferred = d.noticeDeferredUntil !== undefined && d.deferralRef !== undefined ? Date.parse(d.noticeDeferredUntil) : NaN;
  const clockStartMs = Number.isNaN(deferred) ? atMs : Math.max(atMs, deferred);
  const noticeDays = policy.disclosureNoticeDays;
  return {
    ...(policy.disclosureReasons.includes(d.reason) ? { basis: d.reason } : {}),
    proof: problems.length > 0 ? [] : proof,
    problems,
    clockStartMs,
    noticeDays,
    dueMs: clockStartMs + noticeDays * DAY_MS,
  };
};

/** The record the view keeps of a disclosure, judged: one builder for the fold and for `check()`. */
export const disclosureRecordOf = (d: DisclosureFacts, ref: Ref, j: DisclosureJudgement): DisclosureRecord => ({
  ref,
  subject: d.subject,
  recipient: d.recipient,
  reason: d.reason,
  categories: d.categories,
  ...(d.legalRef === undefined ? {} : { legalRef: d.legalRef }),
  ...(d.consentRef === undefined ? {} : { consentRef: d.consentRef }),
  ...(d.noticeDeferredUntil === undefined ? {} : { deferredUntil: d.noticeDeferredUntil }),
  ...(d.deferralRef === undefined ? {} : { deferralRef: d.deferralRef }),
  clockStartMs: j.clockStartMs,
  noticeDays: j.noticeDays,
  dueMs: j.dueMs,
  ...(j.basis === undefined ? {} : { basis: j.basis }),
  proof: j.proof,
  codes: j.problems.map((p) => p.code),
});

/** Where the notice of a disclosure stands at `evalMs`. */
export const noticeStatus = (d: DisclosureRecord, evalMs: number): NoticeStatus => {
  // A notice counts when it was recorded in time, whatever its `at` says.
  if (d.notice !== undefined && d.notice.metMs <= d.dueMs) return 'notified';
  if (d.dueMs < evalMs) return d.notice === undefined ? 'overdue' : 'notified-late';
  return d.deferralRef !== undefined && evalMs < d.clockStartMs ? 'deferred' : 'pending';
};

export const noticeViolationMessage = (d: DisclosureRecord): string => {
  const what = `Disclosure of ${d.categories.join(', ')} of subject ${d.subject} to "${d.recipient}" (reason "${d.reason}")`;
  const deferral = d.deferralRef === undefined ? '' : `, counted from the end of deferral ${d.deferralRef} (${d.deferredUntil})`;
  return d.notice === undefined
    ? `${what} was not notified to the subject within ${d.noticeDays} days${deferral}; it was due by ${isoOf(d.dueMs)}.`
    : `${what} was notified to the subject only on ${d.notice.at}, after the ${d.noticeDays}-day deadline of ${isoOf(d.dueMs)}${deferral}.`;
};

export const noticeObligation = (d: DisclosureRecord, evalMs: number): Obligation => {
  const deferred = d.deferralRef !== undefined && evalMs < d.clockStartMs;
  return {
    kind: 'disclosure-notice',
    eventId: d.ref.eventId,
    subject: d.subject,
    dueBy: isoOf(d.dueMs),
    status: deferred ? 'deferred' : 'open',
    ...(d.deferredUntil !== undefined && d.deferralRef !== undefined ? { deferredUntil: d.deferredUntil } : {}),
    message:
      `Notify subject ${d.subject} of the disclosure to "${d.recipient}" (reason "${d.reason}") by ${isoOf(d.dueMs)}` +
      (deferred ? `; the notice is deferred under ${d.deferralRef} until ${d.deferredUntil}.` : '.'),
  };
};
