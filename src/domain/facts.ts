import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { Category } from './categories.js';
import { closedType, fieldErrors, nonEmptyArray, type FieldError } from './codec.js';
import { EventId, IsoTimestamp, SubjectId } from './ids.js';
import { FreeText } from './text.js';

// The closed sets of the fact catalog (README, "The facts and their fields"). Everything else (purpose, reason, recipient, category)
// is a string judged later against the policy: the ledger records what happened, lawful or not.
export const CollectionSource = t.keyof({ 'proactive-submission': null, 'service-record': null }, 'CollectionSource');
export type CollectionSource = t.TypeOf<typeof CollectionSource>;
export const Channel = t.keyof({ email: null, push: null, announcement: null }, 'Channel');
export type Channel = t.TypeOf<typeof Channel>;
export const Severity = t.keyof({ low: null, medium: null, high: null, critical: null }, 'Severity');
export type Severity = t.TypeOf<typeof Severity>;
export const Audience = t.union([t.literal('all'), SubjectId], 'Audience');

const Purpose = FreeText;
const Categories = nonEmptyArray(Category, 'Categories');
const Purposes = nonEmptyArray(Purpose, 'Purposes');
const NonNegativeNumber = t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, 'NonNegativeNumber');

const fact = <K extends string, R extends t.Props, O extends t.Props = {}>(type: K, required: R, optional?: O) =>
  closedType(
    type,
    { type: t.literal(type), at: IsoTimestamp, ...required },
    { id: EventId, ...(optional ?? ({} as O)) },
  );

export const PolicyPublished = fact('PolicyPublished', {
  version: FreeText,
  effectiveAt: IsoTimestamp,
  purposes: Purposes,
  disclosureReasons: nonEmptyArray(FreeText, 'DisclosureReasons'),
  material: t.boolean,
  disclosureNoticeDays: NonNegativeNumber,
  incidentReportHours: NonNegativeNumber,
  incidentNoticeHours: NonNegativeNumber,
}, {
  erasureDays: NonNegativeNumber,
  retention: t.array(closedType('RetentionPeriod', { category: Category, days: NonNegativeNumber }, {})),
});
export const PolicyNoticeSent = fact('PolicyNoticeSent', { version: FreeText, channel: Channel, audience: Audience });
export const DataCollected = fact('DataCollected', {
  subject: SubjectId,
  categories: Categories,
  source: CollectionSource,
  purposes: Purposes,
  policyVersion: FreeText,
  actor: FreeText,
});
export const PurposeAssessed = fact('PurposeAssessed', {
  purpose: Purpose,
  compatibleWith: t.array(Purpose),
  compatible: t.boolean,
  actor: FreeText,
});
export const DataUsed = fact('DataUsed', { subject: SubjectId, categories: Categories, purpose: Purpose, actor: FreeText });
export const ConsentGranted = fact(
  'ConsentGranted',
  { subject: SubjectId, purposes: Purposes, policyVersion: FreeText, method: FreeText },
  { recipients: t.array(FreeText) },
);
export const ConsentWithdrawn = fact('ConsentWithdrawn', { subject: SubjectId, purposes: Purposes });
export const DataDisclosed = fact(
  'DataDisclosed',
  { subject: SubjectId, categories: Categories, recipient: FreeText, reason: FreeText, actor: FreeText },
  { legalRef: FreeText, consentRef: EventId, noticeDeferredUntil: IsoTimestamp, deferralRef: FreeText },
);
export const SubjectNotified = fact('SubjectNotified', { subject: SubjectId, about: EventId, channel: Channel });
export const AccessGranted = fact(
  'AccessGranted',
  { staff: SubjectId, categories: Categories, purposes: Purposes, confidentialityRef: FreeText, actor: FreeText },
  { until: IsoTimestamp },
);
export const AccessRevoked = fact('AccessRevoked', { staff: SubjectId, actor: FreeText });
export const PersonnelAccessed = fact('PersonnelAccessed', {
  staff: SubjectId,
  subject: SubjectId,
  categories: Categories,
  purpose: Purpose,
});
export const IncidentDetected = fact('IncidentDetected', {
  incident: SubjectId,
  categories: Categories,
  subjects: t.array(SubjectId),
  severity: Severity,
});
export const IncidentReported = fact('IncidentReported', { incident: SubjectId, authority: FreeText });
export const IncidentSubjectsNotified = fact('IncidentSubjectsNotified', {
  incident: SubjectId,
  channel: Channel,
  subjects: nonEmptyArray(SubjectId, 'Subjects'),
});
export const ErasureRequested = fact('ErasureRequested', { subject: SubjectId });
// dataKeys: the ids of the subject's data keys this erasure destroyed (filled in by the ledger), so a
// key store restored from a backup can never bring one back.
export const SubjectErased = fact('SubjectErased', { subject: SubjectId }, { dataKeys: t.array(SubjectId) });
// A raw Ed25519 public key, 32 bytes as 64 hex characters.
const PublicKeyHex = t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'PublicKeyHex');
export const KeyRegistered = fact('KeyRegistered', { keyId: SubjectId, publicKey: PublicKeyHex, owner: FreeText });
export const KeyRevoked = fact('KeyRevoked', { keyId: SubjectId, reason: FreeText });
const Sha256Hex = t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'Sha256Hex');
const TreeSize = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'TreeSize');
/** The ledger signed a checkpoint of its own log: the first `size` entries have Merkle root `root`; `note` is the signed note. */
export const CheckpointRecorded = fact('CheckpointRecorded', { size: TreeSize, root: Sha256Hex, note: t.string });

export const factCodecs = {
  PolicyPublished,
  PolicyNoticeSent,
  DataCollected,
  PurposeAssessed,
  DataUsed,
  ConsentGranted,
  ConsentWithdrawn,
  DataDisclosed,
  SubjectNotified,
  AccessGranted,
  AccessRevoked,
  PersonnelAccessed,
  IncidentDetected,
  IncidentReported,
  IncidentSubjectsNotified,
  ErasureRequested,
  SubjectErased,
  KeyRegistered,
  KeyRevoked,
  CheckpointRecorded,
} as const;

export type FactType = keyof typeof factCodecs;
export const factTypes = Object.keys(factCodecs) as FactType[];
type Facts = { [K in FactType]: t.TypeOf<(typeof factCodecs)[K]> };
export type PolicyPublished = Facts['PolicyPublished'];
export type PolicyNoticeSent = Facts['PolicyNoticeSent'];
export type DataCollected = Facts['DataCollected'];
export type PurposeAssessed = Facts['PurposeAssessed'];
export type DataUsed = Facts['DataUsed'];
export type ConsentGranted = Facts['ConsentGranted'];
export type ConsentWithdrawn = Facts['ConsentWithdrawn'];
export type DataDisclosed = Facts['DataDisclosed'];
export type SubjectNotified = Facts['SubjectNotified'];
export type AccessGranted = Facts['AccessGranted'];
export type AccessRevoked = Facts['AccessRevoked'];
export type PersonnelAccessed = Facts['PersonnelAccessed'];
export type IncidentDetected = Facts['IncidentDetected'];
export type IncidentReported = Facts['IncidentReported'];
export type IncidentSubjectsNotified = Facts['IncidentSubjectsNotified'];
export type ErasureRequested = Facts['ErasureRequested'];
export type SubjectErased = Facts['SubjectErased'];
export type KeyRegistered = Facts['KeyRegistered'];
export type KeyRevoked = Facts['KeyRevoked'];
export type CheckpointRecorded = Facts['CheckpointRecorded'];
/** Any fact of the catalog, discriminated by `type`. */
export type Fact = Facts[FactType];
export type FactOf<K extends FactType> = Facts[K];

/**
 * The plain-JSON input a caller writes: one member per fact type, discriminated by `type`,
 * with the fields the codec requires required. Branded ids and timestamps are accepted as
 * plain strings (the codec checks them at run time); literal types (`type`, `channel`,
 * `source`, `severity`) stay literal, so the compiler catches a missing `actor` or
 * `policyVersion`, a misspelt type or channel. Arrays may be readonly (`as const`).
 */
export type FactInput = { [K in FactType]: FactInputOf<K> }[FactType];
/** The input of one fact type: `FactInputOf<'DataUsed'>`. */
export type FactInputOf<K extends FactType> = Loosen<Facts[K]>;
type Loosen<T> = T extends t.Brand<unknown>
  ? T extends string
    ? string
    : T extends number
      ? number
      : T
  : T extends readonly (infer U)[]
    ? readonly Loosen<U>[]
    : T extends object
      ? { [P in keyof T]: Loosen<T[P]> }
      : T;

const isFactType = (s: unknown): s is FactType => typeof s === 'string' && Object.hasOwn(factCodecs, s);

/** Decode one unknown value into a fact, or name every field that is wrong. */
export const decodeFact = (u: unknown): E.Either<FieldError[], Fact> => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return E.left([{ field: '(fact)', message: 'expected an object' }]);
  const type = (u as { type?: unknown }).type;
  if (!isFactType(type)) {
    return E.left([{ field: 'type', message: `unknown fact type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 60)) : type === undefined ? 'missing' : `(a ${typeof type})`}; expected one of ${factTypes.join(', ')}` }]);
  }
  const codec = factCodecs[type] as unknown as t.Type<Fact, Fact, unknown>;
  return E.mapLeft(fieldErrors)(codec.decode(u));
};

/** The subject a fact concerns, when it concerns exactly one person. */
export const subjectOf = (f: Fact): string | undefined => ('subject' in f ? f.subject : undefined);
