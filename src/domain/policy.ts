import type { PolicyPublished } from './facts.js';

/** Disclosure reasons that need a legal reference. */
export const REASONS_NEEDING_LEGAL_REF = ['court-order', 'government-request'] as const;
/** The disclosure reason that needs a consent covering the recipient. */
export const USER_AUTHORIZATION = 'user-authorization';

/**
 * A privacy policy as data. It enters the ledger as a `PolicyPublished` fact, so every
 * fact is judged by the version in force when it happened.
 */
export interface Policy {
  readonly version: string;
  readonly effectiveAt: string;
  /** Whether this revision changes rules materially: it must then be announced before it takes effect. */
  readonly material: boolean;
  readonly collectionSources: readonly string[];
  /** Declared purposes. Any other purpose is an "other related scenario", which needs a compatibility assessment or a consent. */
  readonly purposes: readonly string[];
  /** Lawful disclosure reasons. */
  readonly disclosureReasons: readonly string[];
  readonly disclosureNoticeDays: number;
  readonly incidentReportHours: number;
  readonly incidentNoticeHours: number;
  /** Days within which an ErasureRequested must be carried out (SubjectErased), else ERASURE_OVERDUE. Absent: no deadline. */
  readonly erasureDays?: number;
  /** How long data of a category may be kept after its last collection without erasure, else RETENTION_EXCEEDED; the most specific entry covering a category applies. */
  readonly retention?: readonly RetentionPeriod[];
}

/** A retention period: data of `category` (and the categories under it) kept at most `days`. */
export interface RetentionPeriod {
  readonly category: string;
  readonly days: number;
}

/** The seed privacy policy, as shipped (summarised at the top of the README). */
export const seedPolicy: Policy = {
  version: 'seed-1',
  effectiveAt: '2026-01-01T00:00:00Z',
  material: false,
  // Data comes from what the person submits and from the records the service keeps of their use.
  collectionSources: ['proactive-submission', 'service-record'],
  // DPV: ServiceProvision, ServicePersonalisation, ServiceOptimisation
  purposes: ['provide-service', 'personalization', 'service-optimization'],
  // DPV: LegalObligation or official authority for the first four, Contract or LegitimateInterest for agreement enforcement, Consent for user authorization
  disclosureReasons: [
    'legal-obligation',
    'court-order',
    'government-request',
    'regulatory-compliance',
    'agreement-enforcement',
    USER_AUTHORIZATION,
  ],
  disclosureNoticeDays: 30,
  incidentReportHours: 72,
  incidentNoticeHours: 72,
  // GDPR Art. 12(3): a request answered within one month.
  erasureDays: 30,
  // Conservative: three years for account data unless said otherwise; precise location, the most
  // revealing, thirty days.
  retention: [
    { category: 'user', days: 1095 },
    { category: 'user.location', days: 30 },
  ],
};

/** The `PolicyPublished` fact that puts `policy` in force. */
export const policyPublished = (policy: Policy, at: string = policy.effectiveAt): PolicyPublished =>
  ({
    type: 'PolicyPublished',
    at,
    version: policy.version,
    effectiveAt: policy.effectiveAt,
    purposes: [...policy.purposes],
    disclosureReasons: [...policy.disclosureReasons],
    material: policy.material,
    disclosureNoticeDays: policy.disclosureNoticeDays,
    incidentReportHours: policy.incidentReportHours,
    incidentNoticeHours: policy.incidentNoticeHours,
    ...(policy.erasureDays === undefined ? {} : { erasureDays: policy.erasureDays }),
    ...(policy.retention === undefined ? {} : { retention: policy.retention.map((r) => ({ ...r })) }),
  }) as PolicyPublished;

/** The policy a `PolicyPublished` fact puts in force (collection sources are the closed set of the codec). */
export const policyOf = (f: PolicyPublished): Policy => ({
  version: f.version,
  effectiveAt: f.effectiveAt,
  material: f.material,
  collectionSources: seedPolicy.collectionSources,
  purposes: f.purposes,
  disclosureReasons: f.disclosureReasons,
  disclosureNoticeDays: f.disclosureNoticeDays,
  incidentReportHours: f.incidentReportHours,
  incidentNoticeHours: f.incidentNoticeHours,
  ...(f.erasureDays === undefined ? {} : { erasureDays: f.erasureDays }),
  ...(f.retention === undefined ? {} : { retention: f.retention }),
});
