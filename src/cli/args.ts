import { parseArgs } from 'node:util';
import { LedgerError } from '../domain/errors.js';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
type Values<T extends OptionSpec> = {
  [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : T[K] extends { multiple: true } ? string[] : string;
};

/** Parses one command's arguments strictly: an unknown option is a usage error naming it. */
export const parse = <const T extends OptionSpec>(
  args: readonly string[],
  options: T,
  positionals = 0,
): { values: Values<T>; positionals: string[] } => {
  try {
    const r = parseArgs({ args: [...args], options, allowPositionals: positionals > 0, strict: true });
    if (r.positionals.length > positionals) throw new Error(`unexpected argument "${r.positionals[positionals]}"`);
    return { values: r.values as Values<T>, positionals: r.positionals };
  } catch (e) {
    throw new LedgerError('INVALID_INPUT', (e as Error).message.split('\n')[0]!);
  }
};

export const required = (value: string | undefined, name: string): string => {
  if (value === undefined || value === '') throw new LedgerError('INVALID_INPUT', `${name} is required`);
  return value;
};
