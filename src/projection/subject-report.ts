import type {
  ConsentStatus,
  DisclosureVerdict,
  Obligation,
  SubjectIncident,
  SubjectReport,
  Violation,
} from './compliance-types.js';
import { isoOf, newSubject, toMs, type ComplianceState } from './compliance-state.js';
import { consentAt } from './queries.js';
import { incidentFindings, type DeadlineFindings } from './rules-security.js';
import { accessVerdictOf, collectionOf, consentEventOf, noticeOf, useVerdictOf } from './output.js';
import { byDue, byTime, disclosureFindings } from './verdicts.js';

/**
 * The incidents that touched `subject`, and their deadline findings as far as they concern
 * that subject, worded for it alone: a subject report names no other subject.
 */
const incidentsOf = (state: ComplianceState, subject: string, incidents: readonly string[], evalMs: number) => {
  const out: DeadlineFindings = { violations: [], obligations: [] };
  const listed: SubjectIncident[] = [];
  for (const incident of incidents) {
    const rec = state.incidents.get(incident);
    if (rec?.detected === undefined) continue;
    const notice = rec.notices.get(subject);
    listed.push({
      incident,
      eventId: rec.detected.eventId,
      at: rec.detected.at,
      severity: rec.severity,
      categories: rec.categories,
      ...(notice === undefined ? {} : { notifiedAt: notice.at }),
    });
    const alone = { ...rec, subjects: [subject] };
    const one: DeadlineFindings = { violations: [], obligations: [] };
    incidentFindings({ ...state, incidents: new Map([[incident, alone]]) }, evalMs, one);
    out.violations.push(...one.violations.map((v) => (v.code === 'INCIDENT_SUBJECTS_NOT_NOTIFIED' ? { ...v, subject } : v)));
    out.obligations.push(...one.obligations.map((o) => (o.kind === 'incident-subject-notice' ? { ...o, subject } : o)));
  }
  return { out, listed };
};

/**
 * A subject access report at evaluation time `at`: everything collected, used, accessed,
 * disclosed, consented and notified for `subject`, each with its verdict.
 */
export const subjectReport = (state: ComplianceState, subject: string, at: string | Date | number): SubjectReport => {
  const evalMs = toMs(at);
  const known = state.subjects.has(subject);
  const s = state.subjects.get(subject) ?? newSubject();
  const disclosed: DisclosureVerdict[] = [];
  const violations: Violation[] = s.violations.map((i) => state.violations[i]!);
  const obligations: Obligation[] = [];
  for (const id of s.disclosures) {
    const d = state.disclosures.get(id);
    if (d === undefined) continue;
    const f = disclosureFindings(d, evalMs);
    disclosed.push(f.verdict);
    if (f.violation !== undefined) violations.push(f.violation);
    if (f.obligation !== undefined) obligations.push(f.obligation);
  }
  const incidents = incidentsOf(state, subject, s.incidents, evalMs);
  violations.push(...incidents.out.violations);
  obligations.push(...incidents.out.obligations);
  const consentState: Record<string, ConsentStatus> = {};
  for (const c of s.consents) for (const p of c.purposes) consentState[p] ??= consentAt(state, subject, p, evalMs).state;
  return {
    subject,
    at: isoOf(evalMs),
    known,
    collected: s.collections.map(collectionOf),
    used: s.uses.map((i) => useVerdictOf(state.useLog[i]!)),
    accessed: s.accesses.map((i) => accessVerdictOf(state.accessLog[i]!)),
    accessCount: s.accessCount,
    disclosed,
    consents: s.consents.map(consentEventOf),
    consentState,
    notified: s.notices.map(noticeOf),
    incidents: incidents.listed,
    ...(s.erasure === undefined ? {} : { erasureRequested: s.erasure.at }),
    ...(s.erased === undefined ? {} : { erased: s.erased.at }),
    violations: byTime(violations),
    obligations: byDue(obligations),
  };
};
