#!/usr/bin/env node
import { escapeForDisplay } from '../audit/escape.js';
import { readFileSync } from 'node:fs';
import { isLedgerError } from '../domain/errors.js';
import { helpOf, overviewOf } from './command.js';
import { COMMANDS } from './commands.js';
import { EXIT, exitCodeOf } from './exit.js';

const version = (): string => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
};

/** One line for any error: a LedgerError says what is wrong; anything else is a bug, named without its stack. */
const messageOf = (e: unknown): string => {
  if (isLedgerError(e)) return escapeForDisplay(e.message.split('\n')[0]!.trim());
  const text = e instanceof Error ? e.message : String(e);
  return `unexpected error: ${escapeForDisplay(text.split('\n')[0]!)} (set PRIVACY_LEDGER_DEBUG=1 for the stack)`;
};

export const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-V') {
    console.log(version());
    return EXIT.ok;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const asked = name === 'help' ? COMMANDS.find((c) => c.name === args[0]) : undefined;
    console.log(asked ? helpOf(asked) : overviewOf(COMMANDS));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`privacy-ledger: unknown command "${escapeForDisplay(name)}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (privacy-ledger --help)`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(helpOf(command));
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (e) {
    console.error(`privacy-ledger ${name}: ${messageOf(e)}`);
    if (process.env.PRIVACY_LEDGER_DEBUG && e instanceof Error) console.error(e.stack);
    return exitCodeOf(e);
  }
};

// A reader that stops reading (`| head`) closes the pipe: the output it wanted is out, so end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw e;
  });
}
process.on('uncaughtException', (e) => {
  process.stderr.write(`privacy-ledger: ${messageOf(e)}\n`);
  process.exit(EXIT.usage);
});

process.exitCode = await main(process.argv.slice(2));
