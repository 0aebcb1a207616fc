import { LedgerError } from '../../domain/errors.js';
import { isIsoTimestamp } from '../../domain/ids.js';
import { displayJson } from '../../audit/escape.js';
import { renderAuditTable } from '../../audit/render.js';
import type { IntegrityFinding } from '../../seal/verify.js';
import { printFindings } from '../findings.js';
import { parse } from '../args.js';
import { verdictExit } from '../exit.js';
import { auditJson } from '../json.js';
import { ledgerOptions, loadVerification, openCliLedger, verificationOptions } from '../open.js';
import { progress, totalOf } from '../progress.js';

/** `--at` as given, or now: an ISO-8601 UTC instant, so a report can be reproduced. */
export const evaluationTime = (at: string | undefined): string => {
  if (at === undefined) return new Date().toISOString();
  if (!isIsoTimestamp(at)) throw new LedgerError('INVALID_INPUT', `--at must be an ISO-8601 UTC time like 2026-11-01T00:00:00Z, not "${at}"`);
  return at;
};

/** Integrity before anything else: a report on facts that do not verify proves nothing, and must not look clean. */
export const integrityBanner = (findings: readonly IntegrityFinding[], out: (line: string) => void): void => {
  if (findings.length === 0) return;
  out(`INTEGRITY FAILURE: ${findings.length} finding(s) — the report below is on facts that cannot all be trusted:`);
  printFindings(findings, (l) => out('  ' + l));
  out('');
};

export const auditCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...verificationOptions, at: { type: 'string' }, json: { type: 'boolean' }, 'every-verdict': { type: 'boolean' } });
  const at = evaluationTime(values.at);
  const held = await loadVerification(values);
  const ledger = await openCliLedger(values);
  const bar = progress('audited', await totalOf(ledger.store));
  try {
    const { integrity, report } = await ledger.audit({ ...held, at, keepEveryVerdict: values['every-verdict'] === true, onProgress: (n) => bar.update(n) });
    bar.done();
    if (values.json) console.log(displayJson(auditJson(integrity, report)));
    else {
      integrityBanner(integrity.findings, (l) => console.log(l));
      console.log(renderAuditTable(report));
    }
    return verdictExit(integrity.findings.length, report.violations.length);
  } finally {
    await ledger.close();
  }
};
