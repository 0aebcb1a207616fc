import { writeFile } from 'node:fs/promises';
import { isLedgerError, LedgerError } from '../../domain/errors.js';
import { describe } from '../../bundle/verify-bundle.js';
import { parse, required } from '../args.js';
import { EXIT } from '../exit.js';
import { ledgerOptions, openCliLedger, readTextFile, trustOption } from '../open.js';

/** `prove --event ID [--checkpoint FILE] --out bundle.json`: a verdict bundle anyone can check with the ledger's public key. */
export const proveCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...trustOption, event: { type: 'string' }, checkpoint: { type: 'string' }, out: { type: 'string' }, key: { type: 'string' } });
  const eventId = required(values.event, '--event ID');
  const out = required(values.out, '--out FILE');
  const checkpoint = values.checkpoint === undefined ? undefined : await readTextFile(values.checkpoint, 'checkpoint');
  const ledger = await openCliLedger(values);
  try {
    const bundle = await ledger.prove(eventId, checkpoint === undefined ? {} : { checkpoint });
    const text = JSON.stringify(bundle, null, 1) + '\n';
    try {
      await writeFile(out, text, { mode: 0o600 });
    } catch (e) {
      throw new LedgerError('INVALID_INPUT', `cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: out });
    }
    const envelopes = bundle.streams.reduce((n, s) => n + s.envelopes.length, 0);
    console.log(`${out}: the verdict of event ${bundle.eventId} (${bundle.verdict.type}): ${describe(bundle.verdict)}`);
    console.log(`  ${envelopes} envelopes of ${bundle.streams.length} streams, ${(text.length / 1024).toFixed(1)} KB, tied to a checkpoint of ${bundle.checkpoint.split('\n')[1]} entries`);
    console.log('  it holds that subject\'s facts: it is personal data; hand it only to whom may see it');
    console.log(`check it with: privacy-ledger verify-bundle ${out} --trust LEDGER-KEY.pub`);
    return EXIT.ok;
  } catch (e) {
    if (isLedgerError(e, 'INTEGRITY')) {
      console.error(`privacy-ledger prove: ${e.message}`);
      return EXIT.integrity;
    }
    throw e;
  } finally {
    await ledger.close();
  }
};
