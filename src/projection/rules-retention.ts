import type { RetentionPeriod } from '../domain/policy.js';
import { covers } from '../domain/categories.js';
import type { Violation } from './compliance-types.js';
import { DAY_MS, isoOf, parseInstant, policyAtMs, type ComplianceState, type SubjectState } from './compliance-state.js';

/** What must be erased by when: an erasure request to carry out, or data whose retention ends. */
export interface ErasureDue {
  readonly kind: 'erasure-request' | 'retention';
  readonly subject: string;
  /** The ErasureRequested, or the (latest) DataCollected whose retention ends first. */
  readonly eventId: string;
  /** When that fact happened. */
  readonly at: string;
  readonly dueBy: string;
  /** `overdue`: past its deadline and not erased by then; `open`: still in time. */
  readonly status: 'open' | 'overdue';
  readonly categories?: readonly string[];
  readonly message: string;
}

/** The most specific retention period covering `category`, if any. */
export const retentionOf = (periods: readonly RetentionPeriod[] | undefined, category: string): RetentionPeriod | undefined => {
  let best: RetentionPeriod | undefined;
  for (const p of periods ?? []) if (covers(p.category, category) && (best === undefined || p.category.length > best.category.length)) best = p;
  return best;
};

/** Whether the subject was erased (recorded, not just dated) by `dueMs`. */
const erasedBy = (s: SubjectState, dueMs: number): boolean => s.erased !== undefined && s.erased.metMs <= dueMs;

const erasureDue = (state: ComplianceState, subject: string, s: SubjectState, evalMs: number): ErasureDue | undefined => {
  const req = s.erasure;
  if (req === undefined) return undefined;
  const days = policyAtMs(state, req.atMs).erasureDays;
  if (days === undefined) return undefined;
  const dueMs = req.atMs + days * DAY_MS;
  if (erasedBy(s, dueMs)) return undefined;
  const overdue = dueMs < evalMs;
  const late = s.erased === undefined ? 'and it has not been carried out' : `but was carried out only on ${s.erased.at}`;
  return {
    kind: 'erasure-request', subject, eventId: req.eventId, at: req.at, dueBy: isoOf(dueMs), status: overdue ? 'overdue' : 'open',
    message: overdue
      ? `Subject ${subject} asked for erasure on ${req.at}; the policy allows ${days} days (due by ${isoOf(dueMs)}), ${late}.`
      : `Erase subject ${subject} (requested ${req.at}) by ${isoOf(dueMs)}.`,
  };
};

const retentionDue = (state: ComplianceState, subject: string, s: SubjectState, evalMs: number): ErasureDue[] =>
  s.collections.flatMap((c) => {
    const periods = policyAtMs(state, c.ref.atMs).retention;
    const lastMs = c.lastAt === undefined ? c.ref.atMs : parseInstant(c.lastAt);
    let dueMs = Infinity;
    const bound: string[] = [];
    for (const category of c.categories) {
      const p = retentionOf(periods, category);
      if (p === undefined) continue;
      const ms = lastMs + p.days * DAY_MS;
      if (ms < dueMs) bound.length = 0;
      if (ms <= dueMs) (dueMs = ms), bound.push(category);
    }
    if (dueMs === Infinity || erasedBy(s, dueMs)) return [];
    const overdue = dueMs < evalMs;
    const eventId = c.lastEventId ?? c.ref.eventId;
    return [{
      kind: 'retention' as const, subject, eventId, at: c.lastAt ?? c.ref.at, dueBy: isoOf(dueMs), status: overdue ? 'overdue' as const : 'open' as const, categories: bound,
      message: overdue
        ? `${bound.join(', ')} of subject ${subject}, last collected ${c.lastAt ?? c.ref.at}, was kept past its retention (due for erasure by ${isoOf(dueMs)})` +
          (s.erased === undefined ? ' and is still kept.' : `; erased only on ${s.erased.at}.`)
        : `Erase ${bound.join(', ')} of subject ${subject} by ${isoOf(dueMs)}, the end of its retention, unless collected again.`,
    }];
  });

/** Every erasure due at `evalMs`, for one subject or all, soonest first. */
export const erasureSchedule = (state: ComplianceState, evalMs: number, only?: string): ErasureDue[] => {
  const out: ErasureDue[] = [];
  const subjects = only === undefined ? state.subjects : new Map(state.subjects.has(only) ? [[only, state.subjects.get(only)!]] : []);
  for (const [subject, s] of subjects) {
    const e = erasureDue(state, subject, s, evalMs);
    if (e !== undefined) out.push(e);
    out.push(...retentionDue(state, subject, s, evalMs));
  }
  return out.sort((a, b) => Date.parse(a.dueBy) - Date.parse(b.dueBy));
};

/** ERASURE_OVERDUE and RETENTION_EXCEEDED at `evalMs`: the overdue entries of the schedule, as violations. */
export const retentionViolations = (state: ComplianceState, evalMs: number, only?: string): Violation[] =>
  erasureSchedule(state, evalMs, only)
    .filter((d) => d.status === 'overdue')
    .map((d): Violation => {
      const erased = state.subjects.get(d.subject)?.erased;
      return {
        code: d.kind === 'erasure-request' ? 'ERASURE_OVERDUE' : 'RETENTION_EXCEEDED',
        eventId: d.eventId,
        subject: d.subject,
        message: d.message,
        evidence: erased === undefined ? [] : [erased.eventId],
        at: d.at,
      };
    });
