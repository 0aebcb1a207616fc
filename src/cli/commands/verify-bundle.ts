import { LedgerError } from '../../domain/errors.js';
import { loadTrustedKey } from '../../seal/keys.js';
import { verifyBundle } from '../../bundle/verify-bundle.js';
import { verificationWords } from '../../bundle/words.js';
import { parse } from '../args.js';
import { EXIT } from '../exit.js';
import { readTextFile } from '../open.js';

/**
 * `verify-bundle FILE --trust PUB [--witness PUB]`: checks a verdict bundle with the keys given
 * here (never the bundle's own alone) and re-derives its verdict; exit 0 only when it holds.
 * It needs no ledger: an outsider runs it with the bundle and the public keys.
 */
export const verifyBundleCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { trust: { type: 'string', list: true }, witness: { type: 'string', list: true }, json: { type: 'boolean' } }, 1);
  const file = positionals[0];
  if (file === undefined) throw new LedgerError('INVALID_INPUT', 'the bundle file is required: privacy-ledger verify-bundle bundle.json --trust LEDGER.pub');
  if ((values.trust ?? []).length === 0) {
    throw new LedgerError('INVALID_INPUT', "--trust LEDGER.pub is required: a bundle is checked against the ledger's public key given here, never against keys it carries itself");
  }
  const trust = await Promise.all((values.trust ?? []).map(loadTrustedKey));
  const witnesses = await Promise.all((values.witness ?? []).map(loadTrustedKey));
  const text = await readTextFile(file, 'bundle');
  const result = await verifyBundle(text, { trust, witnesses });
  if (values.json) console.log(JSON.stringify({ schemaVersion: 1, command: 'verify-bundle', file, ...result }, null, 2));
  else console.log(verificationWords(result).join('\n'));
  return result.ok ? EXIT.ok : EXIT.integrity;
};
