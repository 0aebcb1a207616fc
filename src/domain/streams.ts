import type { Fact } from './facts.js';

/** The stream a fact belongs to (README, "How it works"): one chain per subject, staff member, incident; one each for policy, keys and checkpoints. */
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
