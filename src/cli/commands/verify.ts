import { displayJson } from '../../audit/escape.js';
import { parse } from '../args.js';
import { verdictExit } from '../exit.js';
import { printFindings, printTrust } from '../findings.js';
import { ledgerOptions, loadVerification, openCliLedger, verificationOptions } from '../open.js';
import { progress, totalOf } from '../progress.js';
import { verifyJson } from '../json.js';

export const verifyCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...verificationOptions, json: { type: 'boolean' } });
  const held = await loadVerification(values);
  const ledger = await openCliLedger(values, { keys: 'none' });
  const bar = progress('verified', await totalOf(ledger.store));
  try {
    const result = await ledger.verify({ ...held, onProgress: (n) => bar.update(n) });
    bar.done();
    if (values.json) console.log(displayJson(verifyJson(result, values.trust ?? [])));
    else {
      printFindings(result.findings, (l) => console.log(l));
      printTrust(result, values.trust?.length ?? 0, (l) => console.log(l));
      console.log(
        `${result.checked} event(s) in ${result.store}, ledger ${result.ledger ?? '(empty)'}, Merkle root ${result.root.slice(0, 16)}… at size ${result.treeSize}: ` +
          (result.findings.length ? `${result.findings.length} integrity finding(s)` : 'every signature, chain link and key endorsement verifies'),
      );
    }
    return verdictExit(result.findings.length, 0);
  } finally {
    await ledger.close();
  }
};
