import type { FactType } from '../domain/facts.js';
import type { Policy } from '../domain/policy.js';

/** Every violation the compliance view can name; rules-catalogue.ts says what each means. */
export const VIOLATION_CODES = [
  'USE_WITHOUT_COLLECTION',
  'PURPOSE_NOT_DECLARED',
  'RECONSENT_REQUIRED',
  'CONSENT_WITHDRAWN',
  'USE_AFTER_ERASURE',
  'POLICY_CHANGE_NOT_NOTIFIED',
  'DISCLOSURE_WITHOUT_REASON',
  'DISCLOSURE_MISSING_REFERENCE',
  'DISCLOSURE_NOT_NOTIFIED',
  'ACCESS_WITHOUT_GRANT',
  'INCIDENT_NOT_REPORTED',
  'INCIDENT_SUBJECTS_NOT_NOTIFIED',
  'RECORDED_LATE',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

/** Why a use was lawful, in the order the rules try them. */
export type UseBasis = 'collection-purpose' | 'assessed-compatible' | 'consent';

/** One event that justifies a verdict: its id, its hash (what the signature covers) and its type. */
export interface ProofRef {
  readonly eventId: string;
  readonly hash: string;
  readonly type: FactType;
}

/** A broken rule, reported against the fact that breaks it, with the events that show it. */
export interface Violation {
  readonly code: ViolationCode;
  readonly eventId: string;
  readonly subject?: string;
  readonly message: string;
  /** Event ids. */
  readonly evidence: readonly string[];
  /** When the offending fact happened. */
  readonly at: string;
}

/** The verdict the view gives one fact. */
export interface Verdict {
  readonly eventId: string;
  readonly subject?: string;
  readonly verdict: 'ok' | 'violation';
  /** For a use: its basis; for a disclosure: its reason (when it is a lawful one). */
  readonly basis?: string;
  readonly proof: readonly ProofRef[];
  readonly codes?: readonly ViolationCode[];
}

/**
 * The verdict of a DataUsed. When the view keeps grouped verdicts (the default), lawful
 * uses of one subject with the same purpose, basis and proof share one entry: `eventId`
 * is the first of them, `count` how many, `lastEventId`/`lastAt` the latest.
 */
export interface UseVerdict extends Verdict {
  readonly at: string;
  readonly subject: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly basis?: UseBasis;
  readonly count: number;
  readonly lastEventId?: string;
  readonly lastAt?: string;
}

/**
 * The verdict of a PersonnelAccessed. Grouped (the default), lawful accesses under one
 * grant for one purpose share an entry across subjects (no `subject`); violating ones
 * and, with `keepEveryVerdict`, all are kept one by one with their subject.
 */
export interface AccessVerdict extends Verdict {
  readonly at: string;
  readonly subject?: string;
  readonly staff: string;
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly count: number;
  readonly lastEventId?: string;
  readonly lastAt?: string;
}

export type NoticeStatus =
  | 'notified' // a SubjectNotified came within the deadline
  | 'notified-late' // it came, after the deadline
  | 'pending' // not yet, and the deadline has not passed
  | 'deferred' // not yet, and a recorded legal deferral has not ended
  | 'overdue'; // not (in time), and the deadline has passed

export interface DisclosureVerdict extends Verdict {
  readonly at: string;
  readonly subject: string;
  readonly recipient: string;
  readonly reason: string;
  readonly categories: readonly string[];
  readonly legalRef?: string;
  readonly consentRef?: string;
  readonly notice: {
    readonly status: NoticeStatus;
    readonly dueBy: string;
    readonly deferredUntil?: string;
    readonly deferralRef?: string;
    readonly notifiedAt?: string;
    readonly notifiedBy?: string;
  };
}

export type ObligationKind = 'disclosure-notice' | 'policy-notice' | 'incident-report' | 'incident-subject-notice';

/** Something the ledger says must still happen, and by when. */
export interface Obligation {
  readonly kind: ObligationKind;
  /** The fact that created the obligation. */
  readonly eventId: string;
  readonly subject?: string;
  readonly dueBy: string;
  /** `deferred`: a legal deferral holds the clock until `deferredUntil`. */
  readonly status: 'open' | 'deferred';
  readonly deferredUntil?: string;
  readonly message: string;
}

export interface PurposeCounts {
  uses: number;
  ok: number;
  violations: number;
  byBasis: { 'collection-purpose': number; 'assessed-compatible': number; consent: number };
}

export interface ReasonCounts {
  readonly disclosures: number;
  readonly ok: number;
  readonly violations: number;
  readonly lawful: boolean;
  readonly notified: number;
  readonly pending: number;
  readonly overdue: number;
}

export interface ComplianceSummary {
  readonly at: string;
  /** The policy version in force at `at`. */
  readonly policyVersion: string;
  readonly facts: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly subjects: number;
  readonly uses: number;
  readonly usesOk: number;
  readonly usesViolating: number;
  readonly accesses: number;
  readonly accessesViolating: number;
  readonly disclosures: number;
  readonly disclosuresViolating: number;
  readonly incidents: number;
  readonly violations: number;
  readonly byCode: Readonly<Partial<Record<ViolationCode, number>>>;
  readonly byPurpose: Readonly<Record<string, PurposeCounts>>;
  readonly byReason: Readonly<Record<string, ReasonCounts>>;
  readonly obligations: number;
  /** Facts recorded as declared backfill: their times are the operator's word, asserted rather than proven. */
  readonly backfilled: number;
  /** Whether `uses`/`accesses` hold every verdict or lawful ones grouped. */
  readonly verdicts: 'every' | 'grouped';
}

/** The audit's JSON (schemas/audit.schema.json). */
export interface ComplianceReport {
  readonly summary: ComplianceSummary;
  readonly violations: readonly Violation[];
  readonly uses: readonly UseVerdict[];
  readonly accesses: readonly AccessVerdict[];
  readonly disclosures: readonly DisclosureVerdict[];
  readonly obligations: readonly Obligation[];
}

export interface PolicyInForce {
  readonly policy: Policy;
  /** The PolicyPublished that put it in force; absent for the configured default policy. */
  readonly publishedBy?: ProofRef;
}

export type ConsentStatus = 'granted' | 'withdrawn' | 'none';

export interface ConsentAt {
  readonly subject: string;
  readonly purpose: string;
  readonly at: string;
  readonly state: ConsentStatus;
  /** The grant in force, or the withdrawal that ended it (with the grant it ended, if any). */
  readonly evidence: readonly ProofRef[];
  readonly recipients?: readonly string[];
}

export interface RegisterRecipient {
  readonly recipient: string;
  readonly count: number;
  readonly disclosures: readonly DisclosureVerdict[];
}

export interface RegisterReason {
  readonly reason: string;
  readonly lawful: boolean;
  readonly count: number;
  readonly violations: number;
  readonly byRecipient: readonly RegisterRecipient[];
}

export interface DisclosureRegister {
  readonly at: string;
  readonly total: number;
  readonly byReason: readonly RegisterReason[];
}

export interface SubjectCollection {
  readonly eventId: string;
  readonly hash: string;
  readonly at: string;
  readonly categories: readonly string[];
  readonly purposes: readonly string[];
  readonly source: string;
  readonly policyVersion: string;
  /** How many identical collections were recorded; the first is the one cited as proof. */
  readonly count: number;
  readonly lastEventId?: string;
  readonly lastAt?: string;
}

export interface SubjectConsentEvent {
  readonly eventId: string;
  readonly hash: string;
  readonly at: string;
  readonly kind: 'granted' | 'withdrawn';
  readonly purposes: readonly string[];
  readonly recipients?: readonly string[];
  /** A grant's: the policy version it was given under and how it was given. */
  readonly policyVersion?: string;
  readonly method?: string;
}

export interface SubjectNotice {
  readonly eventId: string;
  readonly at: string;
  readonly type: FactType;
  readonly channel: string;
  /** What the notice was about: a disclosure id, a policy version or an incident. */
  readonly about: string;
}

export interface SubjectIncident {
  readonly incident: string;
  readonly eventId: string;
  readonly at: string;
  readonly severity: string;
  readonly categories: readonly string[];
  readonly notifiedAt?: string;
}

/** A subject access report: all collected, used, disclosed, consented, notified. */
export interface SubjectReport {
  readonly subject: string;
  readonly at: string;
  readonly known: boolean;
  readonly collected: readonly SubjectCollection[];
  readonly used: readonly UseVerdict[];
  /** Personnel accesses kept one by one: the violating ones, or all with `keepEveryVerdict`. */
  readonly accessed: readonly AccessVerdict[];
  /** How many times personnel accessed this subject's data, lawfully or not. */
  readonly accessCount: number;
  readonly disclosed: readonly DisclosureVerdict[];
  readonly consents: readonly SubjectConsentEvent[];
  /** Consent state at `at`, per purpose the subject ever granted or withdrew. */
  readonly consentState: Readonly<Record<string, ConsentStatus>>;
  readonly notified: readonly SubjectNotice[];
  readonly incidents: readonly SubjectIncident[];
  readonly erasureRequested?: string;
  readonly erased?: string;
  readonly violations: readonly Violation[];
  readonly obligations: readonly Obligation[];
}

/** What a fact would get if it were recorded now (`ledger.check`). */
export interface CheckResult {
  readonly type: FactType;
  readonly verdict: 'ok' | 'violation';
  readonly basis?: string;
  readonly proof: readonly ProofRef[];
  readonly codes?: readonly ViolationCode[];
  readonly violations: readonly Violation[];
  /** What recording it would oblige the service to do next (a notice, a report). */
  readonly obligations: readonly Obligation[];
}
