/**
 * An audit script: replay a ledger, verify every signature and chain link, judge every
 * fact, and exit non-zero when anything is wrong — for a nightly job or a CI gate.
 *
 *   node dist/examples/audit-script.js LEDGER.db [--trust KEY.pub] [--at 2026-11-01T00:00:00Z]
 * Exit 0 clean, 2 violations, 3 integrity findings.
 */
import { parseArgs } from 'node:util';
import { loadTrustedKey, openLedger } from 'privacy-ledger';
import { sqliteStore } from 'privacy-ledger/sqlite';

const { values, positionals } = parseArgs({ options: { trust: { type: 'string', multiple: true }, at: { type: 'string' } }, allowPositionals: true });
const path = positionals[0];
if (!path) {
  console.error('usage: audit-script LEDGER.db [--trust KEY.pub ...] [--at TIME]');
  process.exit(1);
}

const trust = await Promise.all((values.trust ?? []).map(loadTrustedKey));
const ledger = await openLedger({ store: sqliteStore(path), trust });
const { integrity, report } = await ledger.audit({ at: values.at ?? new Date().toISOString() });
await ledger.close();

const s = report.summary;
console.log(`${integrity.checked} events, ${integrity.findings.length} integrity findings; ${s.uses} uses, ${s.disclosures} disclosures, ${s.violations} violations`);
for (const f of integrity.findings) console.log(`INTEGRITY ${f.code} ${f.eventId}: ${f.message}`);
for (const v of report.violations) console.log(`VIOLATION ${v.code} ${v.eventId}${v.subject ? ` (${v.subject})` : ''}: ${v.message} [evidence: ${v.evidence.join(', ')}]`);
process.exitCode = integrity.findings.length > 0 ? 3 : report.violations.length > 0 ? 2 : 0;
