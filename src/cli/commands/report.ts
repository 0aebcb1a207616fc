import { displayJson } from '../../audit/escape.js';
import { renderSubjectReport } from '../../audit/render.js';
import { parse, required } from '../args.js';
import { ledgerOptions, loadVerification, openCliLedger, verificationOptions } from '../open.js';
import { printFindings } from '../findings.js';
import { evaluationTime } from './audit.js';

export const reportCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...verificationOptions, subject: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } });
  const subject = required(values.subject, '--subject ID');
  const at = evaluationTime(values.at);
  const held = await loadVerification(values);
  const ledger = await openCliLedger(values);
  try {
    // Verified first, checkpoints and witnesses included: a report on facts that do not verify proves nothing.
    const integrity = await ledger.verify(held);
    if (integrity.findings.length > 0) {
      console.error(`INTEGRITY: ${integrity.findings.length} finding(s); no report is given on a ledger that does not verify:`);
      printFindings(integrity.findings, (l) => console.error('  ' + l));
      return 3;
    }
    const report = await ledger.subjectReport(subject, at);
    console.log(values.json ? displayJson(report) : renderSubjectReport(report));
    return report.violations.length > 0 ? 2 : 0;
  } finally {
    await ledger.close();
  }
};
