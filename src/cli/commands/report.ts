import { renderSubjectReport } from '../../audit/render.js';
import { parse, required } from '../args.js';
import { verdictExit } from '../exit.js';
import { reportJson } from '../json.js';
import { ledgerOptions, openCliLedger, trustOption } from '../open.js';
import { progress, totalOf } from '../progress.js';
import { evaluationTime, integrityBanner } from './audit.js';

export const reportCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...trustOption, subject: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } });
  const subject = required(values.subject, '--subject ID');
  const at = evaluationTime(values.at);
  const ledger = await openCliLedger(values);
  const bar = progress('verified', await totalOf(ledger.store));
  try {
    // A subject's report is only as good as the ledger it is read from: verify it first.
    const integrity = await ledger.verify({ onProgress: (n) => bar.update(n) });
    bar.done();
    const report = await ledger.subjectReport(subject, at);
    if (values.json) console.log(JSON.stringify(reportJson(integrity, report), null, 2));
    else {
      integrityBanner(integrity.findings, (l) => console.log(l));
      console.log(renderSubjectReport(report));
    }
    return verdictExit(integrity.findings.length, report.violations.length);
  } finally {
    await ledger.close();
  }
};
