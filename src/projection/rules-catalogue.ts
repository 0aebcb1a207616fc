/**
 * The rule catalogue: every violation code the compliance view names, with its title, the
 * rule in one sentence and the parameters it is judged by. The text, HTML, CSV and JSON
 * renderers and the README's table all take their wording from here.
 */
import { factTypes, type FactType } from '../domain/facts.js';
import type { Policy } from '../domain/policy.js';
import type { UseBasis, ViolationCode } from './compliance-types.js';

/** Where a rule's parameter is set: in the policy in force, or in how the ledger was opened. */
export type RuleParameterSource = 'policy' | 'ledger';

export interface RuleParameter {
  readonly name: string;
  readonly source: RuleParameterSource;
  readonly meaning: string;
}

export interface RuleEntry {
  readonly code: ViolationCode;
  readonly title: string;
  /** The rule, as a privacy officer would state what was broken. */
  readonly text: string;
  readonly parameters: readonly RuleParameter[];
  /** The fact types the rule judges: its violation is raised on a fact of one of these. */
  readonly judges: readonly FactType[];
}

const policy = (name: keyof Policy, meaning: string): RuleParameter => ({ name, source: 'policy', meaning });

const PURPOSES = policy('purposes', 'the declared purposes');
const REASONS = policy('disclosureReasons', 'the lawful disclosure reasons');

const entries: Readonly<Record<ViolationCode, Omit<RuleEntry, 'code'>>> = {
  USE_WITHOUT_COLLECTION: {
    title: 'Used without collection',
    text: 'A used or disclosed category was never collected for that subject.',
    parameters: [],
    judges: ['DataUsed', 'DataDisclosed'],
  },
  PURPOSE_NOT_DECLARED: {
    title: 'Purpose not collected for',
    text: 'Data was used for a purpose of the policy it was not collected for, and no consent covers that purpose.',
    parameters: [PURPOSES],
    judges: ['DataUsed'],
  },
  RECONSENT_REQUIRED: {
    title: 'Re-consent required',
    text: 'Data was used for a purpose outside the policy, neither assessed compatible nor consented to after the collection.',
    parameters: [PURPOSES],
    judges: ['DataUsed'],
  },
  CONSENT_WITHDRAWN: {
    title: 'Consent withdrawn',
    text: 'Data was used for a purpose after the subject withdrew consent to it; a withdrawal ends every basis for that purpose.',
    parameters: [],
    judges: ['DataUsed'],
  },
  USE_AFTER_ERASURE: {
    title: 'Used after erasure request',
    text: 'Data was used, disclosed or accessed after the subject asked for erasure.',
    parameters: [],
    judges: ['DataUsed', 'DataDisclosed', 'PersonnelAccessed'],
  },
  POLICY_CHANGE_NOT_NOTIFIED: {
    title: 'Policy change not announced',
    text: 'A material policy revision took effect before it was announced.',
    parameters: [policy('material', 'whether a revision must be announced before it takes effect')],
    judges: ['PolicyPublished'],
  },
  DISCLOSURE_WITHOUT_REASON: {
    title: 'Disclosure without lawful reason',
    text: 'Data was disclosed for a reason the policy in force does not list.',
    parameters: [REASONS],
    judges: ['DataDisclosed'],
  },
  DISCLOSURE_MISSING_REFERENCE: {
    title: 'Disclosure reference missing',
    text: 'A court order or government request without a legal reference, or a user authorization without an unwithdrawn consent naming the recipient.',
    parameters: [],
    judges: ['DataDisclosed'],
  },
  DISCLOSURE_NOT_NOTIFIED: {
    title: 'Disclosure not notified',
    text: 'The subject was not told of a disclosure within the notice period (counted from the end of a recorded deferral).',
    parameters: [policy('disclosureNoticeDays', 'days to notify the subject of a disclosure')],
    judges: ['DataDisclosed'],
  },
  ACCESS_WITHOUT_GRANT: {
    title: 'Staff access without grant',
    text: 'Staff accessed data without an unrevoked, unexpired access grant covering its categories and purpose.',
    parameters: [],
    judges: ['PersonnelAccessed'],
  },
  INCIDENT_NOT_REPORTED: {
    title: 'Incident not reported',
    text: 'A security incident was not reported to an authority in time.',
    parameters: [policy('incidentReportHours', 'hours from detection to report an incident to an authority')],
    judges: ['IncidentDetected'],
  },
  INCIDENT_SUBJECTS_NOT_NOTIFIED: {
    title: 'Affected subjects not notified',
    text: 'Subjects affected by an incident were not all notified in time.',
    parameters: [policy('incidentNoticeHours', 'hours from detection to notify the affected subjects')],
    judges: ['IncidentDetected'],
  },
  RECORDED_LATE: {
    title: 'Recorded late',
    text: "A fact says it happened (`at`) earlier than it was recorded (`recordedAt`) by more than the ledger's tolerance.",
    parameters: [{ name: 'tolerance', source: 'ledger', meaning: 'how much later than its `at` a fact may be recorded' }],
    judges: factTypes,
  },
};

/** The catalogue in the order of VIOLATION_CODES. */
export const RULE_CATALOGUE: Readonly<Record<ViolationCode, RuleEntry>> = Object.freeze(
  Object.fromEntries(Object.entries(entries).map(([code, e]) => [code, Object.freeze({ code: code as ViolationCode, ...e })])) as Record<
    ViolationCode,
    RuleEntry
  >,
);

export const ruleOf = (code: ViolationCode): RuleEntry => RULE_CATALOGUE[code];

/** A rule's policy parameters with their values in `p`, e.g. `disclosureNoticeDays = 30`. */
export const parameterValues = (code: ViolationCode, p: Policy | undefined): string[] =>
  RULE_CATALOGUE[code].parameters.map((x) => {
    const v = p !== undefined && x.source === 'policy' ? (p as unknown as Record<string, unknown>)[x.name] : undefined;
    return v === undefined ? `${x.name} (${x.source})` : `${x.name} = ${Array.isArray(v) ? v.join(', ') : String(v)}`;
  });

/** The README's table of violation codes. */
export const rulesMarkdownTable = (): string =>
  [
    '| code | title | rule | parameters |',
    '| --- | --- | --- | --- |',
    ...Object.values(RULE_CATALOGUE).map(
      (r) => `| \`${r.code}\` | ${r.title} | ${r.text} | ${r.parameters.map((p) => `\`${p.name}\` (${p.source})`).join(', ') || '—'} |`,
    ),
  ].join('\n');

/** The rules that judge facts of `type`. */
export const rulesJudging = (type: FactType): RuleEntry[] => Object.values(RULE_CATALOGUE).filter((r) => r.judges.includes(type));

/** What each basis of a lawful use means. */
export const BASIS_TEXT: Readonly<Record<UseBasis, string>> = {
  'collection-purpose': 'the purpose is one the data was collected for, under the policy in force',
  'assessed-compatible': 'the purpose was assessed compatible with a purpose the data was collected for',
  consent: 'the subject consented to the purpose, and had not withdrawn it',
};
