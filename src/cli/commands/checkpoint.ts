import { writeFile } from 'node:fs/promises';
import { LedgerError } from '../../domain/errors.js';
import { parse } from '../args.js';
import { ledgerOptions, openCliLedger } from '../open.js';

/** `checkpoint --key FILE [--out FILE]`: signs the log as it stands and records that in the ledger. */
export const checkpointCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, key: { type: 'string' }, out: { type: 'string' }, trust: { type: 'string', multiple: true } });
  if (!values.key) throw new LedgerError('INVALID_INPUT', '--key FILE is required: a checkpoint is signed by the ledger key');
  const ledger = await openCliLedger(values);
  try {
    const cp = await ledger.checkpoint();
    if (values.out) {
      await writeFile(values.out, cp.note);
      console.error(`checkpoint of ${cp.origin}: ${cp.size} entries, root ${cp.root}; written to ${values.out}`);
    } else {
      process.stdout.write(cp.note);
    }
    return 0;
  } finally {
    await ledger.close();
  }
};
