#!/usr/bin/env node
import { isLedgerError } from '../domain/errors.js';
import { auditCommand } from './commands/audit.js';
import { consentsCommand } from './commands/consents.js';
import { demoCommand } from './commands/demo.js';
import { importCommand } from './commands/import.js';
import { reportCommand } from './commands/report.js';
import { keygenCommand } from './commands/keygen.js';
import { verifyCommand } from './commands/verify.js';

const USAGE = `privacy-ledger — a signed, hash-chained ledger of what is done with personal data

usage: privacy-ledger <command> [options]
  keygen --out DIR [--id KEYID]                 a new Ed25519 key pair (secret file mode 0600)
  import FILE.jsonl --key FILE [--signing per-event|per-batch]
                                                record one fact a line; any bad line: nothing is recorded
  verify [--trust FILE.pub ...] [--json]        every signature and chain link
  audit [--at TIME] [--format text|json|html|csv] [--out PATH] [--table NAME] [--trust FILE.pub ...]
                                                the compliance report: every use and disclosure judged;
                                                csv: --out DIR writes violations, disclosures, uses and
                                                obligations .csv, or --table NAME writes one
  report --subject ID [--at TIME] [--format text|json|html] [--out FILE]
                                                a subject access report
  consents --controller ID --withdrawal-method TEXT [--subject ID] [--at TIME] [--format iso27560] [--out FILE]
                                                ISO/IEC TS 27560 consent records (DPV terms)
  demo [--dir DIR] [--subjects N] [--ledger esdb://...]
                                                record sixty realistic days under the seed policy, then audit
--ledger PATH|esdb://...  the ledger (default ./privacy-ledger.db); --prefix P  stream prefix on EventStoreDB
--json is --format json
exit codes: 0 clean, 1 usage or input error, 2 violations, 3 integrity failure`;

const commands: Record<string, (args: readonly string[]) => Promise<number>> = {
  keygen: keygenCommand,
  import: importCommand,
  verify: verifyCommand,
  audit: auditCommand,
  report: reportCommand,
  consents: consentsCommand,
  demo: demoCommand,
};

export const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${USAGE}`);
    return 1;
  }
  try {
    return await command(args);
  } catch (e) {
    if (isLedgerError(e)) console.error(`privacy-ledger ${name}: ${e.message}`);
    else console.error(`privacy-ledger ${name}: unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
};

process.exitCode = await main(process.argv.slice(2));
