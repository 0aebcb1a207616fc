import { displayJson } from '../../audit/escape.js';
import { renderSubjectHtml } from '../../audit/html-subject.js';
import { renderSubjectReport } from '../../audit/render.js';
import { parse, required } from '../args.js';
import { verdictExit } from '../exit.js';
import { outputFormat } from '../format.js';
import { reportJson } from '../json.js';
import { ledgerOptions, loadVerification, openCliLedger, verificationOptions } from '../open.js';
import { progress, totalOf } from '../progress.js';
import { emit } from '../write-out.js';
import { evaluationTime, integrityBanner } from './audit.js';

export const reportCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, {
    ...ledgerOptions,
    ...verificationOptions,
    subject: { type: 'string' },
    at: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  const subject = required(values.subject, '--subject ID');
  const format = outputFormat(values, ['text', 'json', 'html'] as const);
  const at = evaluationTime(values.at);
  const held = await loadVerification(values);
  const ledger = await openCliLedger(values);
  const bar = progress('verified', await totalOf(ledger.store));
  try {
    // A subject's report is only as good as the ledger it is read from: verify it first, checkpoints and witnesses included.
    const integrity = await ledger.verify({ ...held, onProgress: (n) => bar.update(n) });
    bar.done();
    if (integrity.findings.length > 0) {
      // The live view refuses a ledger that does not verify: say why, and give no report.
      integrityBanner(integrity.findings, (l) => console.error(l));
      return verdictExit(integrity.findings.length, 0);
    }
    const report = await ledger.subjectReport(subject, at);
    const text =
      format === 'json'
        ? displayJson(reportJson(integrity, report))
        : format === 'html'
          ? renderSubjectHtml(report, { policy: (await ledger.policyAt(at)).policy })
          : renderSubjectReport(report);
    await emit(text, values.out);
    return verdictExit(integrity.findings.length, report.violations.length);
  } finally {
    await ledger.close();
  }
};
