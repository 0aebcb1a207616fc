import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ledger } from '../../ledger/ledger.js';
import type { ComplianceReport } from '../../projection/compliance-types.js';
import { describe } from '../../bundle/verify-bundle.js';
import type { Planted } from './workload.js';

/** Violations a bundle can prove: judged against the one fact, on what came before it. */
const PROVABLE = new Set(['PURPOSE_NOT_DECLARED', 'CONSENT_WITHDRAWN', 'RECONSENT_REQUIRED', 'USE_WITHOUT_COLLECTION', 'USE_AFTER_ERASURE', 'DISCLOSURE_WITHOUT_REASON', 'DISCLOSURE_MISSING_REFERENCE', 'ACCESS_WITHOUT_GRANT']);

/** The static verification page of this installation. */
const PAGE = fileURLToPath(new URL('../../../verify-page/verify-bundle.html', import.meta.url));

/**
 * Writes a verdict bundle of one lawful use and one of a planted violation into DIR, and the
 * lines that tell how to check them with nothing but the public key.
 */
export const writeDemoBundles = async (ledger: Ledger, dir: string, report: ComplianceReport, planted: readonly Planted[], pub: string): Promise<string[]> => {
  const lawful = report.uses.find((u) => u.verdict === 'ok');
  const violation = planted.find((p) => PROVABLE.has(p.code));
  const written: { file: string; what: string }[] = [];
  for (const [name, id, what] of [['bundle-lawful.json', lawful?.eventId, 'a lawful use'], ['bundle-violation.json', violation?.id, `the planted ${violation?.code}`]] as const) {
    if (id === undefined) continue;
    const bundle = await ledger.prove(id);
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(bundle, null, 1) + '\n', { mode: 0o600 });
    written.push({ file: relative(process.cwd(), file) || file, what: `${what}: ${bundle.verdict.type} ${describe(bundle.verdict)}` });
  }
  return [
    '',
    'Verdict bundles, each one verdict and the facts it rests on, tied to a signed checkpoint (each holds one person\'s facts: personal data):',
    ...written.map((w) => `  ${w.file}  ${w.what}`),
    'Anyone with the public key checks them, without the ledger (or in the page ' + (relative(process.cwd(), PAGE) || PAGE) + '):',
    ...written.map((w) => `  npx privacy-ledger verify-bundle ${w.file} --trust ${pub}`),
  ];
};
