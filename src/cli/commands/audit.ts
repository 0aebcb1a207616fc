import { LedgerError } from '../../domain/errors.js';
import { isIsoTimestamp } from '../../domain/ids.js';
import { displayJson } from '../../audit/escape.js';
import { renderAuditTable } from '../../audit/render.js';
import { printFindings } from '../findings.js';
import { parse } from '../args.js';
import { ledgerOptions, openCliLedger } from '../open.js';
import { progress } from '../progress.js';

/** `--at` as given, or now: an ISO-8601 UTC instant, so a report can be reproduced. */
export const evaluationTime = (at: string | undefined): string => {
  if (at === undefined) return new Date().toISOString();
  if (!isIsoTimestamp(at)) throw new LedgerError('INVALID_INPUT', `--at must be an ISO-8601 UTC time like 2026-11-01T00:00:00Z, not "${at}"`);
  return at;
};

export const auditCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, at: { type: 'string' }, json: { type: 'boolean' }, trust: { type: 'string', multiple: true } });
  const at = evaluationTime(values.at);
  const ledger = await openCliLedger(values);
  const bar = progress('audited');
  try {
    const { integrity, report } = await ledger.audit({ at, keepEveryVerdict: values.json === true, onProgress: (n) => bar.update(n) });
    bar.done();
    if (values.json) {
      console.log(displayJson({ ledger: integrity.store, integrity: { checked: integrity.checked, findings: integrity.findings }, ...report }));
    } else {
      console.log(renderAuditTable(report));
      if (integrity.findings.length > 0) {
        console.log(`\nINTEGRITY: ${integrity.findings.length} finding(s) — the facts above cannot all be trusted:`);
        printFindings(integrity.findings, (l) => console.log('  ' + l));
      }
    }
    return integrity.findings.length > 0 ? 3 : report.violations.length > 0 ? 2 : 0;
  } finally {
    await ledger.close();
  }
};
