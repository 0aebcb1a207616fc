import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LedgerError } from '../domain/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses one command's arguments strictly: an unknown option is a usage error naming it. */
export const parse = <const T extends Options>(args: readonly string[], options: T, positionals = 0) => {
  try {
    const r = parseArgs({ args: [...args], options, allowPositionals: positionals > 0, strict: true as const });
    if (r.positionals.length > positionals) throw new Error(`unexpected argument "${r.positionals[positionals]}"`);
    return r;
  } catch (e) {
    throw new LedgerError('INVALID_INPUT', (e as Error).message.split('\n')[0]!);
  }
};

export const required = (value: string | undefined, name: string): string => {
  if (value === undefined || value === '') throw new LedgerError('INVALID_INPUT', `${name} is required`);
  return value;
};
