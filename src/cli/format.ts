import { LedgerError } from '../domain/errors.js';

/** `--format NAME` among `allowed` (the first is the default); `--json` is kept as an alias of `--format json`. */
export const outputFormat = <const F extends string>(values: { format?: string; json?: boolean }, allowed: readonly F[]): F => {
  if (values.json === true && values.format !== undefined && values.format !== 'json') {
    throw new LedgerError('INVALID_INPUT', `--json is --format json; it cannot be combined with --format ${values.format}`);
  }
  const f = values.json === true ? 'json' : (values.format ?? allowed[0]!);
  if (!(allowed as readonly string[]).includes(f)) throw new LedgerError('INVALID_INPUT', `--format must be one of ${allowed.join(', ')}, not "${f}"`);
  return f as F;
};
