export * from './compliance-types.js';
export {
  applyCompliance,
  complianceProjection,
  foldCompliance,
  initialComplianceState,
  type ComplianceOptions,
  type ComplianceState,
} from './compliance.js';
export { complianceReport } from './compliance-report.js';
export {
  RULE_CATALOGUE,
  ruleOf,
  parameterValues,
  rulesMarkdownTable,
  rulesJudging,
  BASIS_TEXT,
  type RuleEntry,
  type RuleParameter,
  type RuleParameterSource,
} from './rules-catalogue.js';
export { checkFact, consentAt, disclosureRegister, policyAt, UNRECORDED } from './queries.js';
export { subjectReport } from './subject-report.js';
export * from './runner.js';
export { serializeSnapshot, deserializeSnapshot } from './snapshot.js';
