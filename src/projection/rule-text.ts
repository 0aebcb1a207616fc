import { factTypes, type FactType } from '../domain/facts.js';
import type { UseBasis, ViolationCode } from './compliance-types.js';

/** Each rule in one line, as a privacy officer would say it. */
export const RULE_TEXT: Readonly<Record<ViolationCode, string>> = {
  USE_WITHOUT_COLLECTION: 'data used or disclosed that was never collected for that subject',
  PURPOSE_NOT_DECLARED: 'data used for a declared purpose it was not collected for, without consent',
  RECONSENT_REQUIRED: 'data used for an undeclared purpose, neither assessed compatible nor re-consented after collection',
  CONSENT_WITHDRAWN: 'data used for a purpose the subject withdrew consent to',
  USE_AFTER_ERASURE: 'data used, disclosed or accessed after the subject asked for erasure',
  POLICY_CHANGE_NOT_NOTIFIED: 'a material policy change took effect before it was announced',
  DISCLOSURE_WITHOUT_REASON: 'data disclosed for a reason the policy does not allow',
  DISCLOSURE_MISSING_REFERENCE: 'a disclosure without its legal reference or the consent that authorizes it',
  DISCLOSURE_NOT_NOTIFIED: 'a disclosure the subject was not told about in time',
  ACCESS_WITHOUT_GRANT: 'staff accessed data without a valid access grant',
  INCIDENT_NOT_REPORTED: 'a security incident not reported to an authority in time',
  INCIDENT_SUBJECTS_NOT_NOTIFIED: 'people affected by an incident not notified in time',
  RECORDED_LATE: 'a fact recorded long after the time it claims: backdated, or history imported without --backfill',
};

/** The fact types each rule judges: a violation is raised on a fact of one of these. */
export const RULE_JUDGES: Readonly<Record<ViolationCode, readonly FactType[]>> = {
  USE_WITHOUT_COLLECTION: ['DataUsed', 'DataDisclosed'],
  PURPOSE_NOT_DECLARED: ['DataUsed'],
  RECONSENT_REQUIRED: ['DataUsed'],
  CONSENT_WITHDRAWN: ['DataUsed'],
  USE_AFTER_ERASURE: ['DataUsed', 'DataDisclosed', 'PersonnelAccessed'],
  POLICY_CHANGE_NOT_NOTIFIED: ['PolicyPublished'],
  DISCLOSURE_WITHOUT_REASON: ['DataDisclosed'],
  DISCLOSURE_MISSING_REFERENCE: ['DataDisclosed'],
  DISCLOSURE_NOT_NOTIFIED: ['DataDisclosed'],
  ACCESS_WITHOUT_GRANT: ['PersonnelAccessed'],
  INCIDENT_NOT_REPORTED: ['IncidentDetected'],
  INCIDENT_SUBJECTS_NOT_NOTIFIED: ['IncidentDetected'],
  RECORDED_LATE: factTypes,
};

/** What each basis of a lawful use means. */
export const BASIS_TEXT: Readonly<Record<UseBasis, string>> = {
  'collection-purpose': 'the purpose is one the data was collected for, under the policy in force',
  'assessed-compatible': 'the purpose was assessed compatible with a purpose the data was collected for',
  consent: 'the subject consented to the purpose, and had not withdrawn it',
};
