import { parse } from '../args.js';
import { verdictExit } from '../exit.js';
import { printFindings } from '../findings.js';
import { ledgerOptions, openCliLedger, trustOption } from '../open.js';
import { progress, totalOf } from '../progress.js';
import { verifyJson } from '../json.js';

export const verifyCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...trustOption, json: { type: 'boolean' } });
  const ledger = await openCliLedger(values);
  const bar = progress('verified', await totalOf(ledger.store));
  try {
    const result = await ledger.verify({ onProgress: (n) => bar.update(n) });
    bar.done();
    const trustNote = values.trust?.length ? `trusting ${values.trust.length} key file(s)` : 'trusting the keys the ledger registers itself (pass --trust FILE.pub to trust only your own)';
    if (values.json) console.log(JSON.stringify(verifyJson(result, values.trust ?? []), null, 2));
    else {
      printFindings(result.findings, (l) => console.log(l));
      console.log(`${result.checked} event(s) in ${result.store}, ${trustNote}: ` + (result.findings.length ? `${result.findings.length} integrity finding(s)` : 'every signature and chain link verifies'));
    }
    return verdictExit(result.findings.length, 0);
  } finally {
    await ledger.close();
  }
};
