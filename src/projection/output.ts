/**
 * The one mapper from the compliance view's records (compliance-state.ts) to the output
 * types of reports and queries (compliance-types.ts). Both families use one naming scheme:
 * `eventId` for the event a record or verdict is about, `lastEventId`/`lastAt` for the
 * latest of a group, `hash` and `type` as the envelope has them.
 */
import type {
  AccessVerdict,
  DisclosureVerdict,
  NoticeStatus,
  ProofRef,
  SubjectCollection,
  SubjectConsentEvent,
  SubjectNotice,
  UseBasis,
  UseVerdict,
  ViolationCode,
} from './compliance-types.js';
import { isoOf, type CollectionRecord, type ConsentRecord, type DisclosureRecord, type NoticeRecord, type Ref, type VerdictRecord } from './compliance-state.js';

export const proofOf = (r: Ref): ProofRef => ({ eventId: r.eventId, hash: r.hash, type: r.type });

const lastOf = (v: { readonly lastEventId?: string | undefined; readonly lastAt?: string | undefined }) =>
  v.lastEventId === undefined ? {} : { lastEventId: v.lastEventId, lastAt: v.lastAt! };

/**
 * A use's or an access's verdict: one shape, with whom it concerns (`who`: the subject, and for
 * an access the staff member) and a use's basis in their places.
 */
const verdictOf = <W extends { readonly subject?: string; readonly staff?: string }>(v: VerdictRecord, who: W, basis: UseBasis | undefined) => ({
  eventId: v.eventId,
  at: v.at,
  ...who,
  verdict: v.codes === undefined ? ('ok' as const) : ('violation' as const),
  ...(basis === undefined ? {} : { basis }),
  purpose: v.purpose,
  categories: [...v.categories],
  proof: v.proof.map(proofOf),
  ...(v.codes === undefined ? {} : { codes: v.codes }),
  count: v.count,
  ...lastOf(v),
});

export const useVerdictOf = (v: VerdictRecord): UseVerdict => verdictOf(v, { subject: v.subject! }, v.basis);

/** An access judges no basis: only a use has one. */
export const accessVerdictOf = (v: VerdictRecord): AccessVerdict => verdictOf(v, { ...(v.subject === undefined ? {} : { subject: v.subject }), staff: v.staff! }, undefined);

/** A disclosure's verdict, given where its notice stands and every code it breaks. */
export const disclosureVerdictOf = (d: DisclosureRecord, status: NoticeStatus, codes: readonly ViolationCode[]): DisclosureVerdict => {
  const ok = codes.length === 0;
  const proof = ok && d.notice !== undefined ? [...d.proof, d.notice] : d.proof;
  return {
    eventId: d.ref.eventId,
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
      ...(d.notice === undefined ? {} : { notifiedAt: d.notice.at, notifiedBy: d.notice.eventId }),
    },
  };
};

export const collectionOf = (c: CollectionRecord): SubjectCollection => ({
  eventId: c.ref.eventId,
  hash: c.ref.hash,
  at: c.ref.at,
  categories: c.categories,
  purposes: c.purposes,
  source: c.source,
  policyVersion: c.policyVersion,
  count: c.count,
  ...lastOf(c),
});

export const consentEventOf = (c: ConsentRecord): SubjectConsentEvent => ({
  eventId: c.ref.eventId,
  hash: c.ref.hash,
  at: c.ref.at,
  kind: c.kind,
  purposes: c.purposes,
  ...(c.recipients === undefined ? {} : { recipients: c.recipients }),
  ...(c.policyVersion === undefined ? {} : { policyVersion: c.policyVersion }),
  ...(c.method === undefined ? {} : { method: c.method }),
});

export const noticeOf = (n: NoticeRecord): SubjectNotice => ({
  eventId: n.ref.eventId,
  at: n.ref.at,
  type: n.ref.type,
  channel: n.channel,
  about: n.about,
});
