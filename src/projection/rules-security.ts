import { coveredByAny } from '../domain/categories.js';
import type { PersonnelAccessed } from '../domain/facts.js';
import type { Obligation, Violation } from './compliance-types.js';
import {
  HOUR_MS,
  isoOf,
  type ComplianceState,
  type GrantRecord,
  type IncidentRecord,
  type Ref,
} from './compliance-state.js';
import { erasureProblem, idsOf, NO_PROBLEMS, type Judgement, type Problem } from './rules-common.js';

type AccessFacts = Pick<PersonnelAccessed, 'staff' | 'subject' | 'categories' | 'purpose'>;

const coversAccess = (g: GrantRecord, a: AccessFacts): boolean => {
  if (!g.purposes.includes(a.purpose)) return false;
  for (const c of a.categories) if (!coveredByAny(g.categories, c)) return false;
  return true;
};

/** Why a grant that covers the access does not hold at `atMs`, or undefined when it holds. */
const grantDefect = (g: GrantRecord, atMs: number): string | undefined => {
  if (g.ref.atMs > atMs) return `grant ${g.ref.eventId} is dated after the access`;
  if (g.revokedBy !== undefined && g.revokedBy.atMs <= atMs) return `grant ${g.ref.eventId} was revoked (${g.revokedBy.at})`;
  if (g.untilMs !== undefined && g.untilMs <= atMs) return `grant ${g.ref.eventId} expired (${g.until})`;
  if (g.confidentialityRef.trim() === '') return `grant ${g.ref.eventId} names no confidentiality agreement`;
  return undefined;
};

/** Personnel touch personal data only under a holding grant covering the categories and purpose. Pure. */
export const judgeAccess = (state: ComplianceState, a: AccessFacts, atMs: number): Judgement => {
  const s = state.subjects.get(a.subject);
  const grants = state.staff.get(a.staff) ?? NO_GRANTS;
  const erased = erasureProblem(s, a.subject, atMs, `Staff ${a.staff} accessed`);
  // The common case first, allocating nothing but the verdict.
  if (erased === undefined) {
    for (const g of grants) if (coversAccess(g, a) && grantDefect(g, atMs) === undefined) return { proof: [g.ref], problems: NO_PROBLEMS };
  }
  const problems: Problem[] = erased === undefined ? [] : [erased];
  const holding = grants.find((g) => coversAccess(g, a) && grantDefect(g, atMs) === undefined);
  if (holding === undefined) problems.push(noGrantProblem(a, grants, atMs));
  return { proof: [], problems };
};

const NO_GRANTS: readonly GrantRecord[] = Object.freeze([]);

const noGrantProblem = (a: AccessFacts, grants: readonly GrantRecord[], atMs: number): Problem => {
  const defects: string[] = [];
  const evidence: Ref[] = [];
  for (const g of grants) {
    if (!coversAccess(g, a)) continue;
    defects.push(grantDefect(g, atMs)!);
    evidence.push(g.ref);
    if (g.revokedBy !== undefined) evidence.push(g.revokedBy);
  }
  const why = defects.length > 0 ? ` (${defects.join('; ')})` : grants.length > 0 ? ' (no grant of theirs covers them)' : ' (they hold no grant)';
  return {
    code: 'ACCESS_WITHOUT_GRANT',
    message:
      `Staff ${a.staff} accessed ${a.categories.join(', ')} of subject ${a.subject} for "${a.purpose}" without an ` +
      `unrevoked, unexpired access grant covering them${why}.`,
    evidence: idsOf(evidence.length > 0 ? evidence : grants.map((g) => g.ref)),
  };
};

export interface DeadlineFindings {
  readonly violations: Violation[];
  readonly obligations: Obligation[];
}

const reportFindings = (incident: string, rec: IncidentRecord, detected: Ref, evalMs: number, out: DeadlineFindings): void => {
  const dueMs = detected.atMs + rec.reportHours * HOUR_MS;
  // Met only by a report recorded by the deadline: a backdated one cures nothing.
  if (rec.reports.some((r) => r.metMs <= dueMs)) return;
  const late = rec.reports[0];
  const what = `Incident ${incident} (${rec.severity}) detected ${detected.at}`;
  if (dueMs < evalMs) {
    out.violations.push({
      code: 'INCIDENT_NOT_REPORTED',
      eventId: detected.eventId,
      message:
        late === undefined
          ? `${what} was not reported to an authority within ${rec.reportHours} hours (due by ${isoOf(dueMs)}).`
          : `${what} was reported to an authority only on ${late.at}, after the ${rec.reportHours}-hour deadline of ${isoOf(dueMs)}.`,
      evidence: late === undefined ? [] : rec.reports.map((r) => r.eventId),
      at: detected.at,
    });
  } else {
    out.obligations.push({
      kind: 'incident-report',
      eventId: detected.eventId,
      dueBy: isoOf(dueMs),
      status: 'open',
      message: `Report incident ${incident} (${rec.severity}, detected ${detected.at}) to an authority by ${isoOf(dueMs)}.`,
    });
  }
};

const subjectNoticeFindings = (incident: string, rec: IncidentRecord, detected: Ref, evalMs: number, out: DeadlineFindings): void => {
  const dueMs = detected.atMs + rec.noticeHours * HOUR_MS;
  const unnotified = rec.subjects.filter((s) => !((rec.notices.get(s)?.metMs ?? Infinity) <= dueMs));
  if (unnotified.length === 0) return;
  const names = unnotified.slice(0, 5).join(', ') + (unnotified.length > 5 ? ', ...' : '');
  const alone = rec.subjects.length === 1;
  const what = alone
    ? `Subject ${unnotified[0]}, affected by incident ${incident} (${rec.severity}),`
    : `${unnotified.length} of ${rec.subjects.length} subjects affected by incident ${incident} (${rec.severity})`;
  if (dueMs < evalMs) {
    const late = unnotified.flatMap((s) => {
      const n = rec.notices.get(s);
      return n === undefined ? [] : [n];
    });
    out.violations.push({
      code: 'INCIDENT_SUBJECTS_NOT_NOTIFIED',
      eventId: detected.eventId,
      ...(unnotified.length === 1 ? { subject: unnotified[0]! } : {}),
      message:
        `${what} ${alone ? 'was' : 'were'} not notified within ${rec.noticeHours} hours of detection (due by ${isoOf(dueMs)})` +
        (alone ? (late.length > 0 ? `; only on ${late[0]!.at}.` : '.') : `: ${names}${late.length > 0 ? `; ${late.length} of them only later.` : '.'}`),
      evidence: idsOf([...new Set(late)]),
      at: detected.at,
    });
  } else {
    out.obligations.push({
      kind: 'incident-subject-notice',
      eventId: detected.eventId,
      ...(unnotified.length === 1 ? { subject: unnotified[0]! } : {}),
      dueBy: isoOf(dueMs),
      status: 'open',
      message: alone
        ? `Notify subject ${unnotified[0]} of incident ${incident} (${rec.severity}) by ${isoOf(dueMs)} (email, push or announcement).`
        : `Notify ${what} by ${isoOf(dueMs)} (email, push or announcement): ${names}.`,
    });
  }
};

/** Incident reports and subject notices judged at `evalMs`. */
export const incidentFindings = (state: ComplianceState, evalMs: number, out: DeadlineFindings): void => {
  for (const [incident, rec] of state.incidents) {
    const detected = rec.detected;
    if (detected === undefined) continue;
    reportFindings(incident, rec, detected, evalMs, out);
    subjectNoticeFindings(incident, rec, detected, evalMs, out);
  }
};

/** A material policy revision must be announced before it takes effect. */
export const policyNoticeFindings = (state: ComplianceState, evalMs: number, out: DeadlineFindings): void => {
  for (const { ref, policy, effectiveMs } of state.policies) {
    if (!policy.material) continue;
    const notices = state.policyNotices.get(policy.version) ?? [];
    if (notices.some((n) => n.metMs < effectiveMs)) continue;
    if (effectiveMs <= evalMs) {
      out.violations.push({
        code: 'POLICY_CHANGE_NOT_NOTIFIED',
        eventId: ref.eventId,
        message:
          notices.length === 0
            ? `Material policy version ${policy.version} took effect on ${policy.effectiveAt} without any PolicyNoticeSent for it.`
            : `Material policy version ${policy.version} took effect on ${policy.effectiveAt}, but was announced only on ` +
              `${notices[0]!.at}, after it took effect.`,
        evidence: notices.map((n) => n.eventId),
        at: ref.at,
      });
    } else {
      out.obligations.push({
        kind: 'policy-notice',
        eventId: ref.eventId,
        dueBy: policy.effectiveAt,
        status: 'open',
        message: `Announce material policy version ${policy.version} (PolicyNoticeSent) before it takes effect on ${policy.effectiveAt}.`,
      });
    }
  }
};
