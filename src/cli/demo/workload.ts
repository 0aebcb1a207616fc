import type { FactInput } from '../../domain/facts.js';
import { bytesToHex } from '../../seal/hash.js';
import { publicKeyOfSeed } from '../../seal/signers.js';

/** A planted violation: what the demo expects the audit to find, and on which fact. */
export interface Planted {
  readonly code: string;
  readonly id: string;
  readonly story: string;
}

export interface Workload {
  readonly facts: FactInput[];
  readonly planted: Planted[];
  /** The evaluation time the demo audits at: the end of the recorded period. */
  readonly auditAt: string;
  /** How many people the facts are about: the subjects asked for, and the people of the planted stories. */
  readonly people: number;
}

export interface WorkloadOptions {
  readonly subjects?: number;
  readonly seed?: number;
  /** The end of the sixty recorded days, and the audit time (epoch ms). Default: now. */
  readonly endAt?: number;
}

const CONTACT = ['user.contact.email', 'user.contact.phone'];
const DEVICE = 'user.device.ip_address';
const BROWSING = 'user.behavior.browsing_history';
const PURCHASES = 'user.behavior.purchase_history';
const STAFF = 20;
const DAY = 86_400_000;
const PERIOD = 60 * DAY;

/** mulberry32: a tiny seeded PRNG, so the demo tells the same story every run. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Deterministic UUIDs (v4 layout) from the PRNG, so facts can point at each other before they are recorded. */
const uuidFrom = (rand: () => number) => () => {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const iso = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Sixty days of a consumer service under the seed policy: sign-ups, everyday uses,
 * personalization consents and withdrawals, lawful disclosures with their notices, staff
 * access under grants, two incidents, a material policy revision announced in time, key
 * rotation, erasures — and a handful of planted violations, each a different rule broken.
 */
export const demoWorkload = (options: WorkloadOptions = {}): Workload => {
  const subjects = options.subjects ?? 1_000;
  // Dated back from the end (now by default), so every fact lies in the past of when it is recorded.
  const end = Math.floor((options.endAt ?? Date.now()) / 1000) * 1000;
  const start = end - PERIOD;
  const rand = prng(options.seed ?? 2026);
  const uuid = uuidFrom(rand);
  const between = (from: number, to: number) => from + rand() * (to - from);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const facts: FactInput[] = [];
  const planted: Planted[] = [];
  const add = <F extends FactInput>(f: F): F & { id: string } => {
    const withId = { ...f, id: (f as { id?: string }).id ?? uuid() };
    facts.push(withId);
    return withId;
  };
  const plant = (code: string, story: string, f: FactInput) => {
    const { id } = add(f);
    planted.push({ code, story, id });
    return id;
  };

  policyFacts(add, start);
  keyRotation(add, rand, start);
  const staff = staffGrants(add, start);
  for (let n = 0; n < subjects; n++) subjectLife(add, `u-${String(n).padStart(4, '0')}`, n, { between, pick, rand, uuid, staff, start, end });
  incidents(add, subjects, start);
  const leak = plantViolations(plant, add, between, { start, end });
  planted.push({ code: 'INCIDENT_SUBJECTS_NOT_NOTIFIED', story: 'nor were the two people it exposed told', id: leak });
  facts.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const people = new Set(facts.flatMap((f) => ('subject' in f ? [f.subject] : []))).size;
  return { facts, planted, auditAt: iso(end), people };
};

type Add = <F extends FactInput>(f: F) => F & { id: string };

const policyFacts = (add: Add, start: number) => {
  add({ type: 'PurposeAssessed', at: iso(start + DAY), purpose: 'fraud-screening', compatibleWith: ['provide-service'], compatible: true, actor: 'dpo@example' });
  add({ type: 'PurposeAssessed', at: iso(start + DAY), purpose: 'ad-targeting', compatibleWith: ['personalization'], compatible: false, actor: 'dpo@example' });
  // A material revision, announced to everyone two weeks before it takes effect.
  add({ type: 'PolicyNoticeSent', at: iso(start + 10 * DAY), version: 'seed-2', channel: 'email', audience: 'all' });
  add({
    type: 'PolicyPublished', at: iso(start + 10 * DAY), version: 'seed-2', effectiveAt: iso(start + 24 * DAY),
    purposes: ['provide-service', 'personalization', 'service-optimization'],
    disclosureReasons: ['legal-obligation', 'court-order', 'government-request', 'regulatory-compliance', 'agreement-enforcement', 'user-authorization'],
    material: true, disclosureNoticeDays: 30, incidentReportHours: 72, incidentNoticeHours: 72,
  });
};

const keyRotation = (add: Add, rand: () => number, start: number) => {
  const seed = Uint8Array.from({ length: 32 }, () => Math.floor(rand() * 256));
  add({ type: 'KeyRegistered', at: iso(start), keyId: 'ingest-2025', publicKey: bytesToHex(publicKeyOfSeed(seed)), owner: 'ingest-service' });
  add({ type: 'KeyRevoked', at: iso(start + 2 * DAY), keyId: 'ingest-2025', reason: 'rotated: replaced by the ledger key' });
};

const staffGrants = (add: Add, start: number): string[] => {
  const staff = Array.from({ length: STAFF }, (_, i) => `staff-${String(i).padStart(2, '0')}`);
  staff.forEach((s, i) =>
    add({
      type: 'AccessGranted', at: iso(start + i * 3_600_000), staff: s, categories: ['user.contact', DEVICE], purposes: ['provide-service'],
      confidentialityRef: `NDA-2026-${100 + i}`, actor: 'security-officer', ...(i === 19 ? { until: iso(start + 30 * DAY) } : {}),
    }),
  );
  add({ type: 'AccessRevoked', at: iso(start + 40 * DAY), staff: 'staff-18', actor: 'security-officer' });
  return staff.slice(0, 18); // 18 and 19 lose access later: the daily work uses the others
};

interface Tools {
  between(from: number, to: number): number;
  pick<T>(xs: readonly T[]): T;
  rand(): number;
  uuid(): string;
  staff: string[];
  /** The recorded period, epoch ms. */
  start: number;
  end: number;
}

/** One subject's sixty days: about twenty facts, all lawful. */
const subjectLife = (add: Add, subject: string, n: number, t: Tools) => {
  const joined = t.between(t.start + 2 * DAY, t.start + 20 * DAY);
  // A few subjects leave: everything else they see happens before their erasure request.
  const erasedAt = n % 97 === 96 ? t.between(t.end - 10 * DAY, t.end - 3 * DAY) : undefined;
  const until = erasedAt ?? t.end - DAY;
  add({ type: 'DataCollected', at: iso(joined), subject, categories: [...CONTACT, DEVICE], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup-service' });
  add({ type: 'DataCollected', at: iso(joined + 60_000), subject, categories: [BROWSING, PURCHASES], source: 'service-record', purposes: ['provide-service', 'service-optimization'], policyVersion: 'seed-1', actor: 'web-frontend' });
  const consented = t.rand() < 0.6;
  const consent = consented
    ? add({ type: 'ConsentGranted', at: iso(joined + 3_600_000), subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'settings-page', recipients: ['acme-analytics'] })
    : undefined;
  const withdrawnAt = consented && t.rand() < 0.1 ? t.between(joined + 5 * DAY, until - DAY) : undefined;
  if (withdrawnAt) add({ type: 'ConsentWithdrawn', at: iso(withdrawnAt), subject, purposes: ['personalization'] });
  for (let k = 0; k < 18; k++) {
    const at = t.between(joined + 2 * 3_600_000, until);
    const kind = t.rand();
    if (kind < 0.45) add({ type: 'DataUsed', at: iso(at), subject, categories: [t.pick(CONTACT)], purpose: 'provide-service', actor: t.pick(['mailer', 'sms-gateway', 'billing']) });
    else if (kind < 0.7) add({ type: 'DataUsed', at: iso(at), subject, categories: [BROWSING], purpose: 'service-optimization', actor: 'analytics-pipeline' });
    else if (kind < 0.85 && consent && (!withdrawnAt || at < withdrawnAt)) add({ type: 'DataUsed', at: iso(at), subject, categories: [PURCHASES], purpose: 'personalization', actor: 'recommender' });
    else add({ type: 'DataUsed', at: iso(at), subject, categories: [DEVICE], purpose: 'fraud-screening', actor: 'risk-engine' });
  }
  if (n % 4 === 0) {
    const at = t.between(joined + DAY, until);
    add({ type: 'PersonnelAccessed', at: iso(at), staff: t.pick(t.staff), subject, categories: ['user.contact.email'], purpose: 'provide-service' });
  }
  if (n % 25 === 0) disclosure(add, subject, joined, until, withdrawnAt ? undefined : consent?.id, t);
  if (erasedAt) {
    add({ type: 'ErasureRequested', at: iso(erasedAt + 60_000), subject });
    add({ type: 'SubjectErased', at: iso(erasedAt + DAY), subject });
  }
};

/** A lawful disclosure, by one of the policy's reasons, and the notice that follows it. */
const disclosure = (add: Add, subject: string, joined: number, until: number, consentId: string | undefined, t: Tools) => {
  const at = t.between(joined + DAY, until - 4 * DAY);
  const reason = consentId && t.rand() < 0.3 ? 'user-authorization' : t.pick(['legal-obligation', 'court-order', 'government-request', 'agreement-enforcement']);
  const extra =
    reason === 'user-authorization' ? { recipient: 'acme-analytics', consentRef: consentId }
    : reason === 'court-order' ? { recipient: 'district-court', legalRef: `case ${Math.floor(t.rand() * 900) + 100}/2026`, noticeDeferredUntil: iso(at + 20 * DAY), deferralRef: 'court gag order' }
    : reason === 'government-request' ? { recipient: 'tax-authority', legalRef: 'tax code §93' }
    : reason === 'legal-obligation' ? { recipient: 'financial-regulator' }
    : { recipient: 'payment-dispute-board' };
  const d = add({ type: 'DataDisclosed', at: iso(at), subject, categories: ['user.contact.email'], reason, actor: 'legal-team', ...extra } as FactInput);
  const noticeFrom = 'noticeDeferredUntil' in extra ? Date.parse(extra.noticeDeferredUntil!) : at;
  if (noticeFrom + 3 * DAY < t.end) add({ type: 'SubjectNotified', at: iso(noticeFrom + t.between(DAY, 3 * DAY)), subject, about: d.id, channel: 'email' });
};

const incidents = (add: Add, subjects: number, start: number) => {
  const affected = Array.from({ length: Math.min(40, subjects) }, (_, i) => `u-${String(i * 7 % subjects).padStart(4, '0')}`);
  const detected = start + 30 * DAY;
  add({ type: 'IncidentDetected', at: iso(detected), incident: 'inc-2026-07', categories: ['user.contact.email'], subjects: affected, severity: 'high' });
  add({ type: 'IncidentReported', at: iso(detected + 20 * 3_600_000), incident: 'inc-2026-07', authority: 'national-cert' });
  add({ type: 'IncidentSubjectsNotified', at: iso(detected + 50 * 3_600_000), incident: 'inc-2026-07', channel: 'email', subjects: affected });
};

/**
 * The handful of facts that break a rule, each a different one, each on a subject of its own
 * (`u-9xxx`) so that nothing else in the story breaks the same rule by accident.
 */
const plantViolations = (
  plant: (code: string, story: string, f: FactInput) => string,
  add: Add,
  between: (a: number, b: number) => number,
  { start, end }: { start: number; end: number },
) => {
  const at = (daysBeforeEnd: number) => iso(end - daysBeforeEnd * DAY + between(0, 3_600_000));
  let next = 9000;
  const subject = () => {
    const id = `u-${next++}`;
    add({ type: 'DataCollected', at: iso(start + 5 * DAY), subject: id, categories: [...CONTACT, BROWSING], source: 'proactive-submission', purposes: ['provide-service', 'service-optimization'], policyVersion: 'seed-1', actor: 'signup-service' });
    return id;
  };
  plant('USE_WITHOUT_COLLECTION', 'billing read a bank account the service never collected', { type: 'DataUsed', at: at(9), subject: subject(), categories: ['user.financial.bank_account'], purpose: 'provide-service', actor: 'billing' });
  plant('PURPOSE_NOT_DECLARED', 'the recommender used contact data, collected to provide the service, for personalization without consent', { type: 'DataUsed', at: at(8), subject: subject(), categories: ['user.contact.email'], purpose: 'personalization', actor: 'recommender' });
  plant('RECONSENT_REQUIRED', 'ad-targeting, assessed incompatible, ran without a new consent', { type: 'DataUsed', at: at(7), subject: subject(), categories: [BROWSING], purpose: 'ad-targeting', actor: 'ads-team' });
  const withdrew = subject();
  add({ type: 'ConsentWithdrawn', at: at(12), subject: withdrew, purposes: ['service-optimization'] });
  plant('CONSENT_WITHDRAWN', 'analytics kept optimizing on browsing data after the subject withdrew that purpose', { type: 'DataUsed', at: at(6), subject: withdrew, categories: [BROWSING], purpose: 'service-optimization', actor: 'analytics-pipeline' });
  const erased = subject();
  add({ type: 'ErasureRequested', at: at(15), subject: erased });
  plant('USE_AFTER_ERASURE', 'the mailer wrote to a subject who had asked to be erased', { type: 'DataUsed', at: at(5), subject: erased, categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer' });
  plant('DISCLOSURE_WITHOUT_REASON', 'contact data went to a data broker under a "partnership" the policy does not allow', { type: 'DataDisclosed', at: at(4), subject: subject(), categories: ['user.contact.email'], recipient: 'data-broker-inc', reason: 'commercial-partnership', actor: 'growth-team' });
  plant('DISCLOSURE_MISSING_REFERENCE', 'a disclosure to a court names no case', { type: 'DataDisclosed', at: at(3), subject: subject(), categories: ['user.contact.email'], recipient: 'district-court', reason: 'court-order', actor: 'legal-team' });
  plant('DISCLOSURE_NOT_NOTIFIED', 'a disclosure to the regulator 45 days ago was never told to the subject', { type: 'DataDisclosed', at: at(45), subject: subject(), categories: ['user.contact.email'], recipient: 'financial-regulator', reason: 'legal-obligation', actor: 'legal-team' });
  plant('ACCESS_WITHOUT_GRANT', 'a contractor with no access grant opened a customer record', { type: 'PersonnelAccessed', at: at(2), staff: 'contractor-01', subject: subject(), categories: ['user.contact.phone'], purpose: 'provide-service' });
  plant('ERASURE_OVERDUE', 'a subject asked to be erased 40 days ago, and the policy allows 30: still not erased', { type: 'ErasureRequested', at: at(40), subject: subject() });
  plant('RETENTION_EXCEEDED', 'precise location collected 45 days ago is still kept, past its 30-day retention', {
    type: 'DataCollected', at: at(45), subject: subject(), categories: ['user.location.precise'], source: 'service-record', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'maps-service',
  });
  const leak = plant('INCIDENT_NOT_REPORTED', 'a credential leak found 6 days ago was never reported to the authority', { type: 'IncidentDetected', at: at(6), incident: 'inc-2026-09', categories: ['user.contact.email'], subjects: [subject(), subject()], severity: 'medium' });
  return leak;
};
