import { renderSubjectHtml } from '../../audit/html-subject.js';
import { renderSubjectReport } from '../../audit/render.js';
import { parse, required } from '../args.js';
import { outputFormat } from '../format.js';
import { ledgerOptions, openCliLedger } from '../open.js';
import { emit } from '../write-out.js';
import { evaluationTime } from './audit.js';

export const reportCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, {
    ...ledgerOptions,
    subject: { type: 'string' },
    at: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  const subject = required(values.subject, '--subject ID');
  const format = outputFormat(values, ['text', 'json', 'html'] as const);
  const at = evaluationTime(values.at);
  const ledger = await openCliLedger(values);
  try {
    const report = await ledger.subjectReport(subject, at);
    const text =
      format === 'json'
        ? JSON.stringify(report, null, 2)
        : format === 'html'
          ? renderSubjectHtml(report, { policy: (await ledger.policyAt(at)).policy })
          : renderSubjectReport(report);
    await emit(text, values.out);
    return 0;
  } finally {
    await ledger.close();
  }
};
