import { consentRecords } from '../../audit/iso27560.js';
import { parse, required } from '../args.js';
import { outputFormat } from '../format.js';
import { verdictExit } from '../exit.js';
import { ledgerOptions, verificationOptions, withAudit } from '../open.js';
import { emit } from '../write-out.js';
import { evaluationTime } from './audit.js';

/** ISO/IEC TS 27560 consent records of one subject or of all, from a verified replay of the ledger. */
export const consentsCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, {
    ...ledgerOptions,
    ...verificationOptions,
    subject: { type: 'string' },
    at: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    controller: { type: 'string' },
    'controller-name': { type: 'string' },
    'withdrawal-method': { type: 'string' },
    language: { type: 'string' },
    jurisdiction: { type: 'string' },
  });
  outputFormat(values, ['iso27560'] as const);
  const controller = required(values.controller, '--controller ID (the controller a consent record names)');
  const withdrawalMethod = required(values['withdrawal-method'], '--withdrawal-method TEXT (how a subject withdraws consent)');
  const at = evaluationTime(values.at);
  return withAudit(values, at, {}, async ({ integrity, state, reveal }, ledger) => {
    const doc = reveal(consentRecords(state, {
      at,
      ...(values.subject === undefined ? {} : { subject: await ledger.pseudonymOf(values.subject) }),
      controller: { id: controller, ...(values['controller-name'] === undefined ? {} : { name: values['controller-name'] }) },
      withdrawalMethod,
      ...(values.language === undefined ? {} : { noticeLanguage: values.language }),
      ...(values.jurisdiction === undefined ? {} : { jurisdiction: values.jurisdiction }),
    }));
    if (values.subject !== undefined && doc.records.length === 0) console.error(`no consent was given or withdrawn by subject ${values.subject} by ${at}`);
    await emit(JSON.stringify(doc, null, 2), values.out);
    if (integrity.findings.length > 0) {
      console.error(`INTEGRITY FAILURE: ${integrity.findings.length} finding(s) — these records come from a ledger that does not verify; run verify`);
    }
    return verdictExit(integrity.findings.length, 0);
  });
};
