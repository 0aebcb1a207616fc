import { existsSync } from 'node:fs';
import { LedgerError } from '../../domain/errors.js';
import { parse, required } from '../args.js';
import { eraseJson } from '../json.js';
import { keyStorePathOf, ledgerOptions, openCliLedger } from '../open.js';
import { evaluationTime } from './audit.js';

/**
 * `erase --subject ID --key FILE`: records SubjectErased and destroys the subject's data keys.
 * What it prints names the subject by its pseudonym only: the output of an erasure must not
 * itself be a record of who was erased.
 */
export const eraseCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, subject: { type: 'string' }, key: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } });
  const subject = required(values.subject, '--subject ID');
  required(values.key, '--key FILE');
  const at = values.at === undefined ? undefined : evaluationTime(values.at);
  const keys = keyStorePathOf(values);
  if (keys === undefined) throw new LedgerError('INVALID_INPUT', "a server ledger's key store is named with --keys FILE: without the subject's keys there is nothing to destroy");
  if (!existsSync(keys)) {
    throw new LedgerError('INVALID_INPUT', `no key store at ${keys} (--keys FILE): without the subject's keys there is nothing to destroy`, { keys });
  }
  const ledger = await openCliLedger(values, { keys: 'existing' });
  try {
    const erasure = await ledger.erase(subject, at);
    if (values.json) {
      console.log(JSON.stringify(eraseJson(ledger.store.name, erasure), null, 2));
    } else {
      console.log(`erased ${erasure.pseudonym}: SubjectErased ${erasure.recorded.id} recorded, ${erasure.destroyedKeys.length} data key(s) destroyed (${keys})`);
      console.log('its facts stay in the ledger, sealed: verify, audit and checkpoints hold as before; its data can no longer be read');
    }
    return 0;
  } finally {
    await ledger.close();
  }
};
