import { writeFile } from 'node:fs/promises';
import { LedgerError } from '../../domain/errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import { witnessCheckpoint } from '../../ledger/witness.js';
import { loadSigner, loadTrustedKey } from '../../seal/keys.js';
import { parse, required } from '../args.js';
import { ledgerOptions, openCliLedger, readTextFile } from '../open.js';

/**
 * `witness CHECKPOINT --key FILE --state DIR --trust LOG.pub [--ledger L] [--out FILE]`: cosigns
 * the checkpoint when it extends the last one this witness cosigned (a consistency proof read
 * from the ledger, checked here); a fork or a rollback is refused with exit 3.
 */
export const witnessCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { ...ledgerOptions, key: { type: 'string' }, state: { type: 'string' }, trust: { type: 'string', multiple: true }, out: { type: 'string' } }, 1);
  const file = positionals[0];
  if (!file) throw new LedgerError('INVALID_INPUT', 'witness needs the CHECKPOINT file to cosign');
  const signer = await loadSigner(required(values.key, '--key FILE (the witness key)'));
  const stateDir = required(values.state, '--state DIR (where the witness remembers what it cosigned)');
  if (!values.trust?.length) throw new LedgerError('INVALID_INPUT', "--trust LOG.pub is required: the witness checks the log's signature with a key it was given");
  const logKeys = await Promise.all(values.trust.map(loadTrustedKey));
  const note = await readTextFile(file, 'checkpoint');
  let ledger: Ledger | undefined;
  try {
    const result = await witnessCheckpoint({
      note,
      logKeys,
      signer,
      stateDir,
      consistencyProof: async (size1, size2) => {
        ledger ??= await openCliLedger({ ...values, key: undefined });
        return ledger.consistencyProof(size1, size2);
      },
    });
    if (values.out) await writeFile(values.out, result.note);
    else process.stdout.write(result.note);
    const from = result.previous === undefined ? 'first checkpoint seen for this log' : `consistent with the ${result.previous.size} entries cosigned before`;
    console.error(`cosigned ${result.state.origin} at ${result.state.size} entries as ${signer.keyId} (${from})` + (values.out ? `; written to ${values.out}` : ''));
    return 0;
  } catch (e) {
    if (e instanceof LedgerError && e.code === 'INTEGRITY') {
      console.error(`privacy-ledger witness: REFUSED: ${e.message}`);
      return 3;
    }
    throw e;
  } finally {
    await ledger?.close();
  }
};
