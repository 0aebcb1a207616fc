/**
 * Consent records in the shape of ISO/IEC TS 27560 (consent record information structure) as
 * the W3C DPV guide implements it: one record per subject and purpose, with every state change
 * the ledger holds (not only the latest), each with its time, who expressed it and how, and
 * the ledger event (id and hash) that proves it. Purposes, legal basis and states are DPV
 * terms. The mapping of each field is in docs/reports.md (section ISO/IEC TS 27560 consent records); the JSON Schema is
 * schemas/iso27560-consent-records.schema.json.
 */
import { v5 as uuidv5 } from 'uuid';
import { LedgerError } from '../domain/errors.js';
import { parseInstant, toMs, isoOf, type ComplianceState, type ConsentRecord } from '../projection/compliance-state.js';
import { consentAt } from '../projection/queries.js';
import { dpvPurpose } from './dpv.js';

/** The DPV profile of ISO/IEC TS 27560 for consent records. */
export const ISO27560_RECORD_PROFILE = 'https://w3id.org/dpv/schema/iso-27560#record';

// Fixed namespace: a controller's record of a subject and purpose keeps its id from one export to the next.
const RECORD_NAMESPACE = '7f1d8c52-3c1e-4f0b-9a57-1b2f6a0c9e34';

export type DpvConsentStatus = 'dpv:ConsentGiven' | 'dpv:ConsentWithdrawn';

export interface Iso27560Party {
  readonly id: string;
  readonly role: 'dpv:DataSubject' | 'dpv:DataController';
  readonly name?: string;
}

export interface Iso27560Event {
  readonly eventId: string;
  /** The ledger's SHA-256 of the event's envelope: what its signature covers. */
  readonly eventHash: string;
  readonly time: string;
  readonly status: DpvConsentStatus;
  readonly indicatedBy: Iso27560Party;
  /** How the consent was given, as the service recorded it; a withdrawal records none. */
  readonly indicationMethod?: string;
  readonly policyVersion?: string;
  readonly recipients?: readonly string[];
}

export interface Iso27560Purpose {
  readonly purposeId: string;
  readonly dpvPurpose: string;
  readonly legalBasis: 'dpv:Consent';
  /** The categories the ledger holds for the subject at the evaluation time. */
  readonly personalDataCategories: readonly string[];
  readonly recipients: readonly string[];
}

export interface Iso27560Record {
  readonly schemaVersion: typeof ISO27560_RECORD_PROFILE;
  readonly recordId: string;
  readonly piiPrincipalId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly controller: Iso27560Party;
  /** The policy version of the latest grant, and every version a grant was given under. */
  readonly notice: { readonly policyVersion: string; readonly policyVersions: readonly string[]; readonly language?: string };
  readonly purposes: readonly [Iso27560Purpose];
  readonly jurisdiction?: string;
  readonly withdrawalMethod: string;
  /** The state at the evaluation time. */
  readonly status: DpvConsentStatus;
  readonly events: readonly Iso27560Event[];
}

export interface Iso27560Document {
  readonly profile: typeof ISO27560_RECORD_PROFILE;
  readonly at: string;
  readonly records: readonly Iso27560Record[];
}

export interface ConsentRecordOptions {
  readonly at: string | Date | number;
  /** Only this subject's records; default every subject's. */
  readonly subject?: string;
  readonly controller: { readonly id: string; readonly name?: string };
  /** How a subject withdraws consent, in words the subject can act on. */
  readonly withdrawalMethod: string;
  readonly noticeLanguage?: string;
  readonly jurisdiction?: string;
}

const eventOf = (subject: string, c: ConsentRecord): Iso27560Event => ({
  eventId: c.ref.eventId,
  eventHash: c.ref.hash,
  time: isoOf(parseInstant(c.ref.at)),
  status: c.kind === 'granted' ? 'dpv:ConsentGiven' : 'dpv:ConsentWithdrawn',
  indicatedBy: { id: subject, role: 'dpv:DataSubject' },
  ...(c.method === undefined ? {} : { indicationMethod: c.method }),
  ...(c.policyVersion === undefined ? {} : { policyVersion: c.policyVersion }),
  ...(c.recipients === undefined ? {} : { recipients: c.recipients }),
});

const recordsOf = (state: ComplianceState, subject: string, atMs: number, o: ConsentRecordOptions): Iso27560Record[] => {
  const s = state.subjects.get(subject);
  if (s === undefined) return [];
  const consents = s.consents.filter((c) => c.ref.atMs <= atMs);
  const categories = [...new Set(s.collections.filter((c) => c.ref.atMs <= atMs).flatMap((c) => c.categories))].sort();
  const purposes = [...new Set(consents.flatMap((c) => c.purposes))];
  return purposes.map((purpose) => {
    const mine = consents.filter((c) => c.purposes.includes(purpose)).sort((a, b) => a.ref.atMs - b.ref.atMs || a.ref.seq - b.ref.seq);
    const grants = mine.filter((c) => c.kind === 'granted');
    const versions = [...new Set(grants.flatMap((g) => (g.policyVersion === undefined ? [] : [g.policyVersion])))];
    const recipients = [...new Set(grants.flatMap((g) => g.recipients ?? []))];
    const state27560 = consentAt(state, subject, purpose, atMs).state;
    return {
      schemaVersion: ISO27560_RECORD_PROFILE,
      recordId: `urn:uuid:${uuidv5(`${o.controller.id}\u0000${subject}\u0000${purpose}`, RECORD_NAMESPACE)}`,
      piiPrincipalId: subject,
      createdAt: isoOf(mine[0]!.ref.atMs),
      updatedAt: isoOf(mine[mine.length - 1]!.ref.atMs),
      controller: { id: o.controller.id, role: 'dpv:DataController', ...(o.controller.name === undefined ? {} : { name: o.controller.name }) },
      notice: {
        policyVersion: grants[grants.length - 1]?.policyVersion ?? '(no grant recorded)',
        policyVersions: versions,
        ...(o.noticeLanguage === undefined ? {} : { language: o.noticeLanguage }),
      },
      purposes: [{ purposeId: purpose, dpvPurpose: dpvPurpose(purpose), legalBasis: 'dpv:Consent', personalDataCategories: categories, recipients }],
      ...(o.jurisdiction === undefined ? {} : { jurisdiction: o.jurisdiction }),
      withdrawalMethod: o.withdrawalMethod,
      status: state27560 === 'granted' ? 'dpv:ConsentGiven' : 'dpv:ConsentWithdrawn',
      events: mine.map((c) => eventOf(subject, c)),
    };
  });
};

/** The consent records of one subject, or of all, at evaluation time `at`. */
export const consentRecords = (state: ComplianceState, o: ConsentRecordOptions): Iso27560Document => {
  if (o.controller.id.trim() === '') throw new LedgerError('INVALID_INPUT', 'a consent record names its controller: the controller id is empty');
  if (o.withdrawalMethod.trim() === '') throw new LedgerError('INVALID_INPUT', 'a consent record says how to withdraw: the withdrawal method is empty');
  const atMs = toMs(o.at);
  const subjects = o.subject === undefined ? [...state.subjects.keys()].sort() : [o.subject];
  return { profile: ISO27560_RECORD_PROFILE, at: isoOf(atMs), records: subjects.flatMap((s) => recordsOf(state, s, atMs, o)) };
};
