import type { Fact } from './facts.js';

/** The stream a fact belongs to (DESIGN §4): one chain per subject, staff member, incident; one for policy, one for keys. */
export const streamOf = (f: Fact, prefix = ''): string => {
  switch (f.type) {
    case 'PolicyPublished':
    case 'PolicyNoticeSent':
    case 'PurposeAssessed':
      return `${prefix}policy`;
    case 'KeyRegistered':
    case 'KeyRevoked':
      return `${prefix}keys`;
    case 'CheckpointRecorded':
      return `${prefix}checkpoints`;
    case 'AccessGranted':
    case 'AccessRevoked':
    case 'PersonnelAccessed':
      return `${prefix}staff-${f.staff}`;
    case 'IncidentDetected':
    case 'IncidentReported':
    case 'IncidentSubjectsNotified':
      return `${prefix}incident-${f.incident}`;
    default:
      return `${prefix}subject-${f.subject}`;
  }
};
