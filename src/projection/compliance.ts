import type {
  AccessGranted,
  DataDisclosed,
  Fact,
  IncidentDetected,
  IncidentSubjectsNotified,
  PolicyPublished,
  PurposeAssessed,
  SubjectNotified,
} from '../domain/facts.js';
import { policyOf } from '../domain/policy.js';
import { subjectOf } from '../domain/facts.js';
import type { Envelope } from '../seal/envelope-types.js';
import {
  HOUR_MS,
  initialComplianceState,
  parseInstant,
  policyAtMs,
  refOf,
  subjectState,
  touchRules,
  touchSubject,
  type ComplianceOptions,
  type ComplianceState,
  type DisclosureRecord,
  type IncidentRecord,
  type Ref,
} from './compliance-state.js';
import { onDataCollected, onDataUsed, onPersonnelAccessed, recordProblems } from './fold-uses.js';
import { disclosureRecordOf, judgeDisclosure } from './rules-disclosure.js';
import type { Projection } from './runner.js';

export { initialComplianceState, type ComplianceOptions, type ComplianceState } from './compliance-state.js';

const onDataDisclosed = (state: ComplianceState, f: DataDisclosed, ref: Ref): void => {
  const j = judgeDisclosure(state, f, ref.atMs);
  const s = subjectState(state, f.subject);
  const rec: DisclosureRecord = disclosureRecordOf(f, ref, j);
  // A notice may name the disclosure's id before the disclosure itself is folded.
  const early = state.pendingNotices.get(ref.eventId);
  if (early !== undefined) {
    for (const n of early) if (n.subject === f.subject && (rec.notice === undefined || n.ref.metMs < rec.notice.metMs)) rec.notice = n.ref;
    state.pendingNotices.delete(ref.eventId);
  }
  state.disclosures.set(ref.eventId, rec);
  s.disclosures.push(ref.eventId);
  recordProblems(state, s, ref.eventId, ref.at, f.subject, j.problems);
};

const onSubjectNotified = (state: ComplianceState, f: SubjectNotified, ref: Ref): void => {
  const notice = { ref, subject: f.subject, channel: f.channel, about: f.about };
  subjectState(state, f.subject).notices.push(notice);
  const d = state.disclosures.get(f.about);
  if (d === undefined) {
    const pending = state.pendingNotices.get(f.about);
    if (pending === undefined) state.pendingNotices.set(f.about, [notice]);
    else pending.push(notice);
  } else if (d.subject === f.subject && (d.notice === undefined || ref.metMs < d.notice.metMs)) {
    d.notice = ref;
  }
};

const incidentRecord = (state: ComplianceState, incident: string): IncidentRecord => {
  let rec = state.incidents.get(incident);
  if (rec === undefined) {
    rec = { severity: '', categories: [], subjects: [], reportHours: 0, noticeHours: 0, reports: [], notices: new Map() };
    state.incidents.set(incident, rec);
  }
  return rec;
};

const onIncidentDetected = (state: ComplianceState, f: IncidentDetected, ref: Ref): void => {
  const rec = incidentRecord(state, f.incident);
  if (rec.detected === undefined) {
    const policy = policyAtMs(state, ref.atMs);
    rec.detected = ref;
    rec.severity = f.severity;
    rec.reportHours = policy.incidentReportHours;
    rec.noticeHours = policy.incidentNoticeHours;
  }
  for (const c of f.categories) if (!rec.categories.includes(c)) rec.categories.push(c);
  const known = new Set(rec.subjects);
  for (const subject of f.subjects) {
    if (known.has(subject)) continue;
    known.add(subject);
    rec.subjects.push(subject);
    subjectState(state, subject).incidents.push(f.incident);
  }
};

const onIncidentSubjectsNotified = (state: ComplianceState, f: IncidentSubjectsNotified, ref: Ref): void => {
  const rec = incidentRecord(state, f.incident);
  for (const subject of f.subjects) {
    const prior = rec.notices.get(subject);
    if (prior === undefined || ref.metMs < prior.metMs) rec.notices.set(subject, ref);
    subjectState(state, subject).notices.push({ ref, subject, channel: f.channel, about: `incident ${f.incident}` });
  }
};

const onPurposeAssessed = (state: ComplianceState, f: PurposeAssessed, ref: Ref): void => {
  touchRules(state, ref.atMs);
  let byAgainst = state.assessments.get(f.purpose);
  if (byAgainst === undefined) state.assessments.set(f.purpose, (byAgainst = new Map()));
  // The latest assessment of a purpose against another stands, whichever way it went.
  for (const p of f.compatibleWith) byAgainst.set(p, { ref, compatible: f.compatible });
};

const onAccessGranted = (state: ComplianceState, f: AccessGranted, ref: Ref): void => {
  const grants = state.staff.get(f.staff) ?? [];
  state.staff.set(f.staff, grants);
  grants.push({
    ref,
    categories: f.categories,
    purposes: f.purposes,
    confidentialityRef: f.confidentialityRef,
    ...(f.until === undefined ? {} : { until: f.until, untilMs: Date.parse(f.until) }),
  });
};

const onPolicyPublished = (state: ComplianceState, f: PolicyPublished, ref: Ref): void => {
  touchRules(state, ref.atMs);
  const effectiveMs = Date.parse(f.effectiveAt);
  const ps = state.policies;
  let i = ps.length;
  while (i > 0 && ps[i - 1]!.effectiveMs > effectiveMs) i--;
  ps.splice(i, 0, { ref, policy: policyOf(f), effectiveMs });
};

/** A live fact whose `at` lies before its recordedAt by more than the tolerance: backdated, or recorded late. */
const recordedLate = (state: ComplianceState, envelope: Envelope, atMs: number): void => {
  const recordedMs = parseInstant(envelope.recordedAt);
  const lateMs = recordedMs - atMs;
  if (lateMs <= state.options.clockToleranceMs) return;
  const f = envelope.fact;
  const subject = subjectOf(f);
  const s = subject === undefined ? undefined : subjectState(state, subject);
  const hours = (lateMs / HOUR_MS).toFixed(1);
  recordProblems(state, s, envelope.id, f.at, subject, [
    {
      code: 'RECORDED_LATE',
      message:
        `${f.type} dated ${f.at} was recorded only at ${envelope.recordedAt}, ${hours} h later (tolerance ${state.options.clockToleranceMs / 60_000} min): ` +
        'its time is the writer\'s word, not grounded by the log; import history with --backfill to declare it.',
      evidence: [],
    },
  ]);
};

/** Fold one sealed fact into the compliance view. Mutates and returns `state`. */
export const applyCompliance = (state: ComplianceState, envelope: Envelope): ComplianceState => {
  const f = envelope.fact;
  const seq = state.facts++;
  const atMs = parseInstant(f.at);
  if (envelope.backfill === true) state.counts.backfilled++;
  else recordedLate(state, envelope, atMs);
  // The hot kinds first, without a Ref: most of them are only counted into a group
  // (their per-type counts are state.counts; byType counts the rest).
  switch (f.type) {
    case 'DataUsed':
      onDataUsed(state, envelope, f, atMs);
      return state;
    case 'PersonnelAccessed':
      onPersonnelAccessed(state, envelope, f, atMs);
      return state;
    case 'DataCollected':
      state.counts.collections++;
      onDataCollected(state, envelope, f, seq, atMs);
      return state;
    default:
      state.byType.set(f.type, (state.byType.get(f.type) ?? 0) + 1);
      applyOther(state, f, refOf(envelope, seq, atMs));
      return state;
  }
};

const applyOther = (state: ComplianceState, f: Fact, ref: Ref): void => {
  switch (f.type) {
    case 'DataDisclosed':
      onDataDisclosed(state, f, ref);
      break;
    case 'SubjectNotified':
      onSubjectNotified(state, f, ref);
      break;
    case 'ConsentGranted':
      touchSubject(subjectState(state, f.subject), ref.atMs).consents.push({
        ref,
        kind: 'granted',
        purposes: f.purposes,
        ...(f.recipients === undefined ? {} : { recipients: f.recipients }),
        policyVersion: f.policyVersion,
        method: f.method,
      });
      break;
    case 'ConsentWithdrawn':
      touchSubject(subjectState(state, f.subject), ref.atMs).consents.push({ ref, kind: 'withdrawn', purposes: f.purposes });
      break;
    case 'PurposeAssessed':
      onPurposeAssessed(state, f, ref);
      break;
    case 'AccessGranted':
      onAccessGranted(state, f, ref);
      break;
    case 'AccessRevoked':
      for (const g of state.staff.get(f.staff) ?? []) g.revokedBy ??= ref;
      break;
    case 'IncidentDetected':
      onIncidentDetected(state, f, ref);
      break;
    case 'IncidentReported':
      incidentRecord(state, f.incident).reports.push(ref);
      break;
    case 'IncidentSubjectsNotified':
      onIncidentSubjectsNotified(state, f, ref);
      break;
    case 'PolicyPublished':
      onPolicyPublished(state, f, ref);
      break;
    case 'PolicyNoticeSent': {
      const notices = state.policyNotices.get(f.version) ?? [];
      state.policyNotices.set(f.version, notices);
      notices.push(ref);
      if (f.audience !== 'all') {
        subjectState(state, f.audience).notices.push({ ref, subject: f.audience, channel: f.channel, about: `policy ${f.version}` });
      }
      break;
    }
    case 'ErasureRequested':
      touchSubject(subjectState(state, f.subject), ref.atMs).erasure ??= ref;
      break;
    case 'SubjectErased':
      touchSubject(subjectState(state, f.subject), ref.atMs).erased ??= ref;
      break;
    default:
      // KeyRegistered, KeyRevoked (the verifier's business), and the kinds handled above: only counted.
      break;
  }
};

/** The compliance view as a projection for the catch-up runner. */
export const complianceProjection = (options: Partial<ComplianceOptions> = {}): Projection<ComplianceState> => ({
  name: 'compliance',
  initial: () => initialComplianceState(options),
  apply: (state, envelope) => applyCompliance(state, envelope),
});

/** Fold many envelopes from a fresh state (tests, scripts, benchmarks). */
export const foldCompliance = (envelopes: Iterable<Envelope>, options: Partial<ComplianceOptions> = {}): ComplianceState => {
  let state = initialComplianceState(options);
  for (const e of envelopes) state = applyCompliance(state, e);
  return state;
};
