#!/usr/bin/env node
import { escapeForDisplay } from '../audit/escape.js';
import { isLedgerError } from '../domain/errors.js';
import { auditCommand } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { importCommand } from './commands/import.js';
import { reportCommand } from './commands/report.js';
import { keygenCommand } from './commands/keygen.js';
import { verifyCommand } from './commands/verify.js';
import { checkpointCommand } from './commands/checkpoint.js';
import { witnessCommand } from './commands/witness.js';

const USAGE = `privacy-ledger — a signed, hash-chained ledger of what is done with personal data

usage: privacy-ledger <command> [options]
  keygen --out DIR [--id KEYID]                 a new Ed25519 key pair (secret file mode 0600)
  import FILE.jsonl --key FILE [--signing per-event|per-batch] [--backfill] [--origin NAME] [--max-fact-bytes N]
                                                record one fact a line; any bad line: nothing is recorded
                                                --backfill: the file is history, its times asserted by you
  verify [--trust PUB ...] [--checkpoint FILE ...] [--witness PUB ...] [--json]
                                                every signature, chain link, key endorsement and checkpoint
  audit [--at TIME] [--json] [--trust/--checkpoint/--witness as verify]
                                                the compliance report: every use and disclosure judged
  report --subject ID [--at TIME] [--json] [--trust/--checkpoint/--witness as verify]
                                                a subject access report
  checkpoint --key FILE [--out FILE]            sign the log as it stands (C2SP checkpoint) and record it
  witness CHECKPOINT --key FILE --state DIR --trust LOG.pub [--out FILE]
                                                cosign a checkpoint that extends the last one cosigned
  demo [--dir DIR] [--subjects N] [--ledger esdb://...|postgres://...]
                                                record sixty realistic days under the seed policy, then audit
--ledger PATH|esdb://...|postgres://...[?schema=S]  the ledger (default ./privacy-ledger.db); --prefix P  stream prefix on EventStoreDB
exit codes: 0 clean, 1 usage or input error, 2 violations, 3 integrity failure`;

const commands: Record<string, (args: readonly string[]) => Promise<number>> = {
  keygen: keygenCommand,
  import: importCommand,
  verify: verifyCommand,
  audit: auditCommand,
  report: reportCommand,
  demo: demoCommand,
  checkpoint: checkpointCommand,
  witness: witnessCommand,
};

export const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${escapeForDisplay(name)}"\n\n${USAGE}`);
    return 1;
  }
  try {
    return await command(args);
  } catch (e) {
    if (isLedgerError(e)) console.error(`privacy-ledger ${name}: ${escapeForDisplay(e.message)}`);
    else console.error(`privacy-ledger ${name}: unexpected error: ${escapeForDisplay((e as Error).stack ?? String(e))}`);
    return 1;
  }
};

process.exitCode = await main(process.argv.slice(2));
