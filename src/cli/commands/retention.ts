import { displayJson } from '../../audit/escape.js';
import { erasureSchedule, type ErasureDue } from '../../projection/rules-retention.js';
import { parse } from '../args.js';
import { verdictExit } from '../exit.js';
import { retentionJson } from '../json.js';
import { ledgerOptions, verificationOptions, withAudit } from '../open.js';
import { evaluationTime, integrityBanner } from './audit.js';

const line = (d: ErasureDue): string =>
  `  ${d.status === 'overdue' ? 'OVERDUE' : 'due    '} ${d.dueBy.replace('.000Z', 'Z')}  ${d.kind === 'erasure-request' ? 'erasure request' : `retention of ${(d.categories ?? []).join(', ')}`}  ` +
  `subject ${d.subject}  event ${d.eventId}`;

/** `retention [--at TIME] [--json]`: what must be erased by when — erasure requests and retention periods — judged at TIME. */
export const retentionCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...verificationOptions, at: { type: 'string' }, json: { type: 'boolean' } });
  const at = evaluationTime(values.at);
  return withAudit(values, at, {}, async ({ integrity, state, reveal }) => {
    const due = reveal(erasureSchedule(state, Date.parse(at)));
    const overdue = due.filter((d) => d.status === 'overdue').length;
    if (values.json) console.log(displayJson(retentionJson(integrity, at, due)));
    else {
      integrityBanner(integrity.findings, (l) => console.log(l));
      console.log(`What must be erased, at ${at}: ${due.length} item(s), ${overdue} overdue (ERASURE_OVERDUE, RETENTION_EXCEEDED)`);
      for (const d of due) console.log(line(d));
    }
    return verdictExit(integrity.findings.length, overdue);
  });
};
