import { BASIS_TEXT, ruleOf } from '../projection/rules-catalogue.js';
import type { UseBasis, ViolationCode } from '../projection/compliance-types.js';
import type { FactVerdict } from '../projection/fact-verdict.js';
import type { BundleVerification } from './verify-bundle.js';

/** Why a verdict, in plain words: its basis or each violation with the rule it breaks. */
export const verdictWords = (v: FactVerdict): string[] => {
  if (v.verdict === 'ok') {
    const basis = v.basis === undefined ? '' : v.basis in BASIS_TEXT ? `${v.basis}: ${BASIS_TEXT[v.basis as UseBasis]}` : `${v.basis}: a lawful reason of the policy in force`;
    return [
      `lawful${basis ? ' on ' + basis : ''}`,
      ...v.proof.map((p) => `  rests on ${p.type} ${p.eventId}`),
      ...v.obligations.map((o) => `  still due: ${o.message}`),
    ];
  }
  return v.violations.flatMap((x) => [`${x.code}: ${ruleOf(x.code as ViolationCode)?.title ?? 'a rule of the policy'}`, `  ${x.message}`]);
};

/** The whole verification as verify-bundle prints it. */
export const verificationWords = (r: BundleVerification): string[] => {
  const lines: string[] = [];
  lines.push(`bundle of event ${r.eventId ?? '(unknown)'}${r.ledger === undefined ? '' : ` in ledger ${r.ledger}`}`);
  if (r.checkpoint !== undefined) {
    const by = r.checkpoint.witnessedBy.length === 0 ? '' : `, cosigned by ${r.checkpoint.witnessedBy.join(', ')}`;
    lines.push(`checkpoint: ${r.checkpoint.size} entries, root ${r.checkpoint.root}${by}`);
  }
  if (r.ok && r.derived !== undefined) {
    lines.push(`VERIFIED: ${r.derived.type} ${r.derived.verdict === 'ok' ? 'is lawful' : 'is a violation'}, re-derived from the bundled facts by the rules`);
    for (const l of verdictWords(r.derived)) lines.push(`  ${l}`);
  } else {
    lines.push(`NOT VERIFIED: ${r.failed.join(', ')} failed; the bundle proves nothing`);
  }
  lines.push('checks:');
  for (const c of r.checks) {
    const none = c.check === 'witnesses' && c.ok && r.checkpoint?.witnessedBy.length === 0 ? ' (none was required: --witness W.pub requires one)' : '';
    lines.push(`  ${c.ok ? 'passed' : c.skipped ? 'skipped' : 'FAILED'}  ${c.check}: ${c.title}${none}`);
    for (const f of c.findings.slice(0, 10)) lines.push(`          ${f.code}: ${f.message}`);
    if (c.findings.length > 10) lines.push(`          … and ${c.findings.length - 10} more`);
  }
  return lines;
};
