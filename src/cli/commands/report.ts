import { displayJson } from '../../audit/escape.js';
import { renderSubjectReport } from '../../audit/render.js';
import { parse, required } from '../args.js';
import { ledgerOptions, openCliLedger } from '../open.js';
import { evaluationTime } from './audit.js';

export const reportCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, subject: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } });
  const subject = required(values.subject, '--subject ID');
  const at = evaluationTime(values.at);
  const ledger = await openCliLedger(values);
  try {
    const report = await ledger.subjectReport(subject, at);
    console.log(values.json ? displayJson(report) : renderSubjectReport(report));
    return 0;
  } finally {
    await ledger.close();
  }
};
