import { LedgerError } from '../domain/errors.js';
import type { FactType } from '../domain/facts.js';
import { seedPolicy, type Policy } from '../domain/policy.js';
import type { Envelope } from '../seal/envelope-types.js';
import type { PurposeCounts, UseBasis, Violation, ViolationCode } from './compliance-types.js';

/**
 * The folded state of the compliance view. It holds what later facts and queries need —
 * per subject: collections, the consent timeline, erasure, notices and compact verdicts;
 * per staff member: grants; per incident, disclosure and policy: its record — and counts
 * for the rest, so it grows with subjects, not with uses.
 *
 * The fold mutates it in place for speed; treat it as immutable from outside.
 */
export interface ComplianceState {
  readonly options: ComplianceOptions;
  facts: number;
  /** Bumped by every fact that changes how uses are judged for all subjects (policies, assessments). */
  rulesVersion: number;
  /** The latest `at` among those facts. */
  rulesMaxAtMs: number;
  /** Facts per type, but for the three hot ones, which `counts` holds. */
  readonly byType: Map<string, number>;
  /** Sorted by effectiveAt, then by order of recording. */
  readonly policies: PolicyRecord[];
  readonly policyNotices: Map<string, Ref[]>;
  /** purpose → purpose it was assessed against → the latest assessment. */
  readonly assessments: Map<string, Map<string, AssessmentRecord>>;
  readonly subjects: Map<string, SubjectState>;
  readonly staff: Map<string, GrantRecord[]>;
  readonly incidents: Map<string, IncidentRecord>;
  readonly disclosures: Map<string, DisclosureRecord>;
  /** SubjectNotified facts about an event id the view has not seen (yet). */
  readonly pendingNotices: Map<string, NoticeRecord[]>;
  /** Violations decided when the fact was folded; deadline-based ones are computed by the queries. */
  readonly violations: Violation[];
  readonly useLog: VerdictRecord[];
  readonly accessLog: VerdictRecord[];
  /** Grouped lawful accesses: grant seq → purpose → index in accessLog (staff × purposes, not subjects × staff). */
  readonly accessGroups: Map<number, Map<string, number>>;
  readonly counts: { uses: number; usesOk: number; accesses: number; accessesOk: number; collections: number; backfilled: number };
  readonly byPurpose: Map<string, PurposeCounts>;
}

export interface ComplianceOptions {
  /** The policy in force before any PolicyPublished takes effect. */
  readonly defaultPolicy: Policy;
  /**
   * Keep the verdict of every DataUsed and PersonnelAccessed (memory grows with facts).
   * Default false: lawful ones are grouped per subject by purpose, basis and proof, with a
   * count; violating ones are always kept one by one.
   */
  readonly keepEveryVerdict: boolean;
  /** How far a live fact's `at` may lie before its recordedAt before it is RECORDED_LATE. */
  readonly clockToleranceMs: number;
}

/** One recorded event the view keeps, as it cites it. */
export interface Ref {
  readonly eventId: string;
  readonly hash: string;
  readonly type: FactType;
  /** Order of folding (0-based): "earlier" means a smaller seq. */
  readonly seq: number;
  readonly at: string;
  readonly atMs: number;
  /**
   * When the fact counts as done for a deadline or as known for a query: no earlier than it
   * was recorded (a backdated fact meets no deadline it missed), or its `at` when it is
   * declared backfill.
   */
  readonly metMs: number;
}

export interface PolicyRecord {
  readonly ref: Ref;
  readonly policy: Policy;
  readonly effectiveMs: number;
}

export interface AssessmentRecord {
  readonly ref: Ref;
  readonly compatible: boolean;
}

export interface CollectionRecord {
  readonly ref: Ref;
  readonly categories: readonly string[];
  readonly purposes: readonly string[];
  readonly source: string;
  readonly policyVersion: string;
  count: number;
  lastEventId?: string;
  lastAt?: string;
}

export interface ConsentRecord {
  readonly ref: Ref;
  readonly kind: 'granted' | 'withdrawn';
  readonly purposes: readonly string[];
  readonly recipients?: readonly string[];
  /** A grant's: the policy version it was given under and how it was given. */
  readonly policyVersion?: string;
  readonly method?: string;
}

export interface NoticeRecord {
  readonly ref: Ref;
  readonly subject: string;
  readonly channel: string;
  readonly about: string;
}

export interface SubjectState {
  /** Identical collections (same categories, purposes, source, policy version) share one record. */
  readonly collections: CollectionRecord[];
  readonly consents: ConsentRecord[];
  /** Bumped by every fact that changes how this subject's uses are judged (a new collection, consent, erasure). */
  version: number;
  /** The latest `at` among those facts. */
  maxAtMs: number;
  erasure: Ref | undefined;
  erased: Ref | undefined;
  /** Indexes into state.useLog: this subject's groups and one-by-one verdicts. */
  readonly uses: number[];
  /** Purpose → indexes into state.useLog of this subject's groups of lawful uses. */
  readonly useGroups: Map<string, number[]>;
  /** Indexes into state.accessLog of this subject's accesses kept one by one. */
  readonly accesses: number[];
  accessCount: number;
  /** Disclosure event ids. */
  readonly disclosures: string[];
  readonly notices: NoticeRecord[];
  readonly incidents: string[];
  /** Indexes into state.violations. */
  readonly violations: number[];
}

/**
 * A kept verdict of a use or a personnel access; a group when `count` > 1 (then `id`/`at`
 * are the first event's). Every field is always set, so all entries share one shape.
 */
export interface VerdictRecord {
  readonly eventId: string;
  readonly at: string;
  /** Undefined for a group of accesses, which spans subjects. */
  readonly subject: string | undefined;
  readonly staff: string | undefined;
  readonly purpose: string;
  readonly categories: string[];
  readonly basis: UseBasis | undefined;
  readonly proof: readonly Ref[];
  readonly codes: readonly ViolationCode[] | undefined;
  count: number;
  lastEventId: string | undefined;
  lastAt: string | undefined;
}

export interface GrantRecord {
  readonly ref: Ref;
  readonly categories: readonly string[];
  readonly purposes: readonly string[];
  readonly confidentialityRef: string;
  readonly until?: string;
  readonly untilMs?: number;
  revokedBy?: Ref;
}

export interface DisclosureRecord {
  readonly ref: Ref;
  readonly subject: string;
  readonly recipient: string;
  readonly reason: string;
  readonly categories: readonly string[];
  readonly legalRef?: string;
  readonly consentRef?: string;
  readonly deferredUntil?: string;
  readonly deferralRef?: string;
  /** When the notice clock starts: the disclosure, or the end of a recorded deferral. */
  readonly clockStartMs: number;
  readonly noticeDays: number;
  readonly dueMs: number;
  /** The reason when lawful under the policy in force. */
  readonly basis?: string;
  readonly proof: readonly Ref[];
  readonly codes: readonly ViolationCode[];
  notice?: Ref;
}

export interface IncidentRecord {
  detected?: Ref;
  severity: string;
  categories: string[];
  subjects: string[];
  reportHours: number;
  noticeHours: number;
  /** All IncidentReported, in order of recording. */
  readonly reports: Ref[];
  /** The first notice naming each subject. */
  readonly notices: Map<string, Ref>;
}

export const DEFAULT_CLOCK_TOLERANCE_MS = 5 * 60_000;

export const defaultComplianceOptions: ComplianceOptions = { defaultPolicy: seedPolicy, keepEveryVerdict: false, clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS };

export const initialComplianceState = (options: Partial<ComplianceOptions> = {}): ComplianceState => ({
  options: { ...defaultComplianceOptions, ...options },
  facts: 0,
  rulesVersion: 0,
  rulesMaxAtMs: Number.MIN_SAFE_INTEGER,
  byType: new Map(),
  policies: [],
  policyNotices: new Map(),
  assessments: new Map(),
  subjects: new Map(),
  staff: new Map(),
  incidents: new Map(),
  disclosures: new Map(),
  pendingNotices: new Map(),
  violations: [],
  useLog: [],
  accessLog: [],
  accessGroups: new Map(),
  counts: { uses: 0, usesOk: 0, accesses: 0, accessesOk: 0, collections: 0, backfilled: 0 },
  byPurpose: new Map(),
});

export const refOf = (envelope: Envelope, seq: number, atMs: number): Ref => ({
  eventId: envelope.id,
  hash: envelope.hash,
  type: envelope.fact.type,
  seq,
  at: envelope.fact.at,
  atMs,
  metMs: metMsOf(envelope, atMs),
});

/** A live fact is done no earlier than it was recorded; a declared backfill at its `at`. */
export const metMsOf = (envelope: Envelope, atMs: number): number => {
  if (envelope.backfill === true) return atMs;
  const recordedMs = parseInstant(envelope.recordedAt);
  return recordedMs > atMs ? recordedMs : atMs;
};

/** Where the fold keeps a subject's memoized use judgements: a symbol, so snapshots leave them out. */
export const USE_MEMOS: unique symbol = Symbol('use-memos');

export const newSubject = (): SubjectState => ({
  collections: [],
  consents: [],
  version: 0,
  maxAtMs: Number.MIN_SAFE_INTEGER,
  erasure: undefined,
  erased: undefined,
  uses: [],
  useGroups: new Map(),
  accesses: [],
  accessCount: 0,
  disclosures: [],
  notices: [],
  incidents: [],
  violations: [],
  // Declared up front so every subject has one shape.
  [USE_MEMOS]: undefined,
} as SubjectState);

export const subjectState = (state: ComplianceState, subject: string): SubjectState => {
  let s = state.subjects.get(subject);
  if (s === undefined) {
    s = newSubject();
    state.subjects.set(subject, s);
  }
  return s;
};

/** Record that a fact dated `atMs` changed how this subject's uses are judged. */
export const touchSubject = (s: SubjectState, atMs: number): SubjectState => {
  s.version++;
  if (atMs > s.maxAtMs) s.maxAtMs = atMs;
  return s;
};

/** Record that a fact dated `atMs` changed how every use is judged. */
export const touchRules = (state: ComplianceState, atMs: number): void => {
  state.rulesVersion++;
  if (atMs > state.rulesMaxAtMs) state.rulesMaxAtMs = atMs;
};

/** The policy in force at `ms`: the latest-effective PolicyPublished not after it, else the default. */
export const policyRecordAt = (state: ComplianceState, ms: number): PolicyRecord | undefined => {
  const ps = state.policies;
  for (let i = ps.length - 1; i >= 0; i--) if (ps[i]!.effectiveMs <= ms) return ps[i];
  return undefined;
};

export const policyAtMs = (state: ComplianceState, ms: number): Policy =>
  policyRecordAt(state, ms)?.policy ?? state.options.defaultPolicy;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * Epoch ms of an ISO-8601 UTC instant as the codec admits them (`2026-11-29T14:07:28Z`,
 * optionally with a fraction): about twice as fast as Date.parse, which the fold calls
 * once per fact. Anything else goes to Date.parse.
 */
export const parseInstant = (s: string): number => {
  const n = s.length;
  if (n < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(n - 1) !== 90) return Date.parse(s);
  let ms = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46) return Date.parse(s);
    for (let i = 20, scale = 100; i < n - 1 && i < 23; i++, scale /= 10) ms += digit(s, i) * scale;
  }
  return Date.UTC(
    digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3),
    digit(s, 5) * 10 + digit(s, 6) - 1,
    digit(s, 8) * 10 + digit(s, 9),
    digit(s, 11) * 10 + digit(s, 12),
    digit(s, 14) * 10 + digit(s, 15),
    digit(s, 17) * 10 + digit(s, 18),
    ms,
  );
};

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** An evaluation time as epoch ms: an ISO string, a Date or ms. */
export const toMs = (at: string | Date | number): number => {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new LedgerError('INVALID_INPUT', `not a time: ${JSON.stringify(at) ?? String(at)}; give an ISO-8601 time like 2026-11-01T00:00:00Z or a Date`, { at: String(at) });
  return ms;
};

export const isoOf = (ms: number): string => new Date(ms).toISOString();
