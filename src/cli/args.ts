import { parseArgs } from 'node:util';
import { LedgerError } from '../domain/errors.js';

/** One option of a command. `list`: repeated (`--trust a --trust b`) or followed by several values (`--trust a b`). */
type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; list?: boolean }>;
type Values<T extends OptionSpec> = {
  [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : T[K] extends { multiple: true } | { list: true } ? string[] : string;
};

/** `--trust a.pub b.pub` as `--trust a.pub --trust b.pub`: the values after a list option up to the next option. */
const spreadLists = (args: readonly string[], lists: ReadonlySet<string>): string[] => {
  const out: string[] = [];
  let list: string | undefined;
  for (const arg of args) {
    if (arg.startsWith('-')) {
      const name = arg.replace(/^--?/, '').split('=')[0]!;
      list = lists.has(name) && !arg.includes('=') ? name : undefined;
      out.push(arg);
      continue;
    }
    if (list !== undefined && out[out.length - 1] !== `--${list}`) out.push(`--${list}`);
    out.push(arg);
  }
  return out;
};

/** Parses one command's arguments strictly: an unknown option is a usage error naming it. */
export const parse = <const T extends OptionSpec>(
  args: readonly string[],
  options: T,
  positionals = 0,
): { values: Values<T>; positionals: string[] } => {
  const lists = new Set(Object.entries(options).filter(([, o]) => o.list).map(([k]) => k));
  const config = Object.fromEntries(
    Object.entries(options).map(([k, o]) => [k, { type: o.type, multiple: o.multiple === true || o.list === true }]),
  );
  try {
    const r = parseArgs({ args: spreadLists(args, lists), options: config, allowPositionals: positionals > 0, strict: true });
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
