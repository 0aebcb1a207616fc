import { LedgerError } from '../../domain/errors.js';
import { isIsoTimestamp } from '../../domain/ids.js';
import { displayJson } from '../../audit/escape.js';
import { renderAuditTable } from '../../audit/render.js';
import { printFindings } from '../findings.js';
import { parse } from '../args.js';
import { ledgerOptions, loadVerification, openCliLedger, verificationOptions } from '../open.js';
import { progress } from '../progress.js';

/** `--at` as given, or now: an ISO-8601 UTC instant, so a report can be reproduced. */
export const evaluationTime = (at: string | undefined): string => {
  if (at === undefined) return new Date().toISOString();
  if (!isIsoTimestamp(at)) throw new LedgerError('INVALID_INPUT', `--at must be an ISO-8601 UTC time like 2026-11-01T00:00:00Z, not "${at}"`);
  return at;
};

export const auditCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...verificationOptions, at: { type: 'string' }, json: { type: 'boolean' } });
  const at = evaluationTime(values.at);
  const held = await loadVerification(values);
  const ledger = await openCliLedger(values);
  const bar = progress('audited');
  try {
    const { integrity, report } = await ledger.audit({ ...held, at, keepEveryVerdict: values.json === true, onProgress: (n) => bar.update(n) });
    bar.done();
    if (values.json) {
      const { findings, checked, treeSize, root, checkpoints, keys } = integrity;
      console.log(displayJson({ ledger: integrity.store, integrity: { checked, findings, treeSize, root, checkpoints, keys }, ...report }));
    } else {
      // An integrity failure comes first: a report on facts that do not verify proves nothing.
      if (integrity.findings.length > 0) {
        console.log(`INTEGRITY: ${integrity.findings.length} finding(s) — the report below cannot be trusted:`);
        printFindings(integrity.findings, (l) => console.log('  ' + l));
        console.log('');
      }
      console.log(renderAuditTable(report));
    }
    return integrity.findings.length > 0 ? 3 : report.violations.length > 0 ? 2 : 0;
  } finally {
    await ledger.close();
  }
};
