/**
 * One command of the CLI, as the command table lists it: `--help` and the overview are made
 * from these fields, so a command's usage is written once, next to the others.
 */
export interface Command {
  readonly name: string;
  /** What follows `privacy-ledger NAME`: `--out DIR [--id KEYID]`. */
  readonly usage: string;
  /** One line for the overview. */
  readonly summary: string;
  /** Each option and what it does, one a line, for `NAME --help`. */
  readonly options: readonly (readonly [flag: string, meaning: string])[];
  /** The exit codes this command can end with, beyond 0 and 1. */
  readonly exits?: readonly number[];
  readonly run: (args: readonly string[]) => Promise<number>;
}

export const LEDGER_OPTIONS: Command['options'] = [
  ['--ledger PATH|esdb://…', 'the ledger: a SQLite file (default ./privacy-ledger.db) or an EventStoreDB connection string'],
  ['--prefix P', 'stream prefix on EventStoreDB'],
  ['--keys FILE', "the key store of subjects' data keys (default LEDGER.keys beside a SQLite ledger; a server ledger is sealed only with --keys)"],
];

const EXIT_MEANING: Record<number, string> = {
  0: 'clean',
  1: 'usage or input error',
  2: 'violations',
  3: 'integrity failure',
  4: 'store unreachable',
};

/** `privacy-ledger NAME --help`. */
export const helpOf = (c: Command): string => {
  const width = Math.max(...c.options.map(([f]) => f.length), 10) + 2;
  const exits = [0, 1, ...(c.exits ?? [])].map((n) => `${n} ${EXIT_MEANING[n] ?? ''}`).join(', ');
  return [
    `usage: privacy-ledger ${c.name} ${c.usage}`.trimEnd(),
    '',
    c.summary,
    ...(c.options.length ? ['', 'options:', ...c.options.map(([f, m]) => `  ${f.padEnd(width)}${m}`)] : []),
    '',
    `exit codes: ${exits}`,
  ].join('\n');
};

/** `privacy-ledger --help`: every command's usage and summary. */
export const overviewOf = (commands: readonly Command[]): string =>
  [
    'privacy-ledger — a signed, hash-chained ledger of what is done with personal data',
    '',
    'usage: privacy-ledger <command> [options]      privacy-ledger <command> --help for its options',
    ...commands.flatMap((c) => [`  ${c.name} ${c.usage}`, `      ${c.summary}`]),
    '',
    '--version prints the version. Exit codes: 0 clean, 1 usage or input error, 2 violations,',
    '3 integrity failure, 4 store unreachable.',
  ].join('\n');
