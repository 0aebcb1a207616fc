/**
 * W3C Data Privacy Vocabulary (DPV) terms for the seed policy's purposes and disclosure
 * reasons, so exports speak the vocabulary privacy tools already know. Purposes and reasons
 * of other policies have no DPV term here and are exported as `dpv:Purpose` / no basis.
 */
export const DPV = 'https://w3id.org/dpv#';

const PURPOSES: Readonly<Record<string, string>> = {
  'provide-service': 'dpv:ServiceProvision',
  personalization: 'dpv:ServicePersonalisation',
  'service-optimization': 'dpv:ServiceOptimisation',
};

/** The seed policy's reasons: a–d rest on a legal obligation (or official authority), e on the contract, f on consent. */
const DISCLOSURE_BASES: Readonly<Record<string, string>> = {
  'legal-obligation': 'dpv:LegalObligation',
  'court-order': 'dpv:LegalObligation',
  'government-request': 'dpv:LegalObligation',
  'regulatory-compliance': 'dpv:LegalObligation',
  'agreement-enforcement': 'dpv:Contract',
  'user-authorization': 'dpv:Consent',
};

export const dpvPurpose = (purpose: string): string => PURPOSES[purpose] ?? 'dpv:Purpose';

export const dpvDisclosureBasis = (reason: string): string | undefined => DISCLOSURE_BASES[reason];

