import { LEDGER_OPTIONS, type Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { consentsCommand } from './commands/consents.js';
import { demoCommand } from './commands/demo.js';
import { explainCommand } from './commands/explain.js';
import { importCommand } from './commands/import.js';
import { keygenCommand } from './commands/keygen.js';
import { keysCommand } from './commands/keys.js';
import { reportCommand } from './commands/report.js';
import { verifyCommand } from './commands/verify.js';
import { checkpointCommand } from './commands/checkpoint.js';
import { witnessCommand } from './commands/witness.js';
import { eraseCommand } from './commands/erase.js';
import { retentionCommand } from './commands/retention.js';
import { proveCommand } from './commands/prove.js';
import { verifyBundleCommand } from './commands/verify-bundle.js';

const TRUST: Command['options'][number] = ['--trust FILE.pub …', 'trust only these keys (several after one flag, or the flag repeated)'];
const CHECKPOINT: Command['options'][number] = ['--checkpoint FILE …', 'signed checkpoints the log must still hold as its prefix (a deleted, moved or rewritten entry fails)'];
const WITNESS: Command['options'][number] = ['--witness FILE.pub …', 'witnesses whose cosignature every --checkpoint must carry'];
const AT: Command['options'][number] = ['--at TIME', 'judge deadlines at this ISO-8601 time (default now), so the report can be reproduced'];

/**
 * The command table: every command, its usage and its options, in the order `--help` lists
 * them. A new command is one entry here and its `run` in src/cli/commands/.
 */
export const COMMANDS: readonly Command[] = [
  {
    name: 'keygen',
    usage: '--out DIR [--id KEYID]',
    summary: 'a new Ed25519 key pair: DIR/KEYID.key (mode 0600) and DIR/KEYID.pub',
    options: [
      ['--out DIR', 'where to write the key files (made if missing); an existing key is never overwritten'],
      ['--id KEYID', 'the key id (default: derived from the public key)'],
    ],
    run: keygenCommand,
  },
  {
    name: 'keys',
    usage: 'list [--json] | add NEW.pub --endorse-with CURRENT.key [--owner NAME] | revoke KEYID --reason TEXT --key CURRENT.key',
    summary: 'the keys of a ledger: list them, register a new one endorsed by a current key, revoke one',
    options: [
      ['list', 'every key the ledger registers: who endorsed it, whether it is revoked'],
      ['add NEW.pub', 'record a KeyRegistered for NEW, signed by the current key (key rotation)'],
      ['--endorse-with CURRENT.key', 'the current key that endorses the new one (required for add)'],
      ['--owner NAME', 'who holds the new key (default: the endorser\'s owner)'],
      ['revoke KEYID', 'record a KeyRevoked for KEYID, signed by another current key'],
      ['--reason TEXT', 'why (required for revoke)'],
      ['--key CURRENT.key', 'the current key that signs the revocation (required for revoke)'],
      ['--json', 'with list: the keys as JSON (schemas/keys.schema.json)'],
      ...LEDGER_OPTIONS,
    ],
    exits: [4],
    run: keysCommand,
  },
  {
    name: 'import',
    usage: 'FILE.jsonl --key FILE [--signing per-event|per-batch] [--backfill] [--origin NAME] [--max-fact-bytes N]',
    summary: 'record one fact a line; any bad line and nothing is recorded; importing again records nothing twice',
    options: [
      ['--key FILE', 'the secret key to sign with (required)'],
      ['--signing MODE', 'per-event (default) or per-batch'],
      ['--backfill', 'the file is history: its times are your word, judged as given and shown as asserted, never RECORDED_LATE'],
      ['--origin NAME', 'the identity of a ledger this import creates (default privacy-ledger.local/<uuid>)'],
      ['--max-fact-bytes N', 'the largest fact accepted (default 65536)'],
      ...LEDGER_OPTIONS,
    ],
    exits: [4],
    run: importCommand,
  },
  {
    name: 'verify',
    usage: '[--trust FILE.pub …] [--checkpoint FILE …] [--witness FILE.pub …] [--json]',
    summary: 'check every signature, chain link, key endorsement and checkpoint of an existing ledger',
    options: [TRUST, CHECKPOINT, WITNESS, ['--json', 'the result as JSON (schemas/verify.schema.json)'], ...LEDGER_OPTIONS],
    exits: [3, 4],
    run: verifyCommand,
  },
  {
    name: 'audit',
    usage: '[--at TIME] [--format text|json|html|csv] [--out PATH] [--table NAME] [--every-verdict] [--trust FILE.pub …] [--checkpoint FILE …] [--witness FILE.pub …]',
    summary: 'the compliance report: every use and disclosure judged, integrity first',
    options: [
      AT,
      ['--format F', 'text (default), json (schemas/audit.schema.json), html (one self-contained page) or csv'],
      ['--json', 'the same as --format json'],
      ['--out PATH', 'write there instead of stdout; for csv, a directory that gets violations, disclosures, uses and obligations .csv'],
      ['--table NAME', 'with csv: just that table (violations, disclosures, uses or obligations)'],
      ['--every-verdict', 'with json, one verdict per use instead of lawful uses grouped (csv always lists every one)'],
      TRUST,
      CHECKPOINT,
      WITNESS,
      ...LEDGER_OPTIONS,
    ],
    exits: [2, 3, 4],
    run: auditCommand,
  },
  {
    name: 'report',
    usage: '--subject ID [--at TIME] [--format text|json|html] [--out FILE] [--trust FILE.pub …] [--checkpoint FILE …] [--witness FILE.pub …]',
    summary: 'a subject access report: everything collected, used, disclosed, consented and notified',
    options: [
      ['--subject ID', 'the subject (required)'],
      AT,
      ['--format F', 'text (default), json (schemas/report.schema.json) or html (one self-contained page)'],
      ['--json', 'the same as --format json'],
      ['--out FILE', 'write there instead of stdout'],
      TRUST,
      CHECKPOINT,
      WITNESS,
      ...LEDGER_OPTIONS,
    ],
    exits: [2, 3, 4],
    run: reportCommand,
  },
  {
    name: 'erase',
    usage: '--subject ID --key FILE [--at TIME] [--json] [--keys FILE]',
    summary: "erase a subject: record SubjectErased and destroy its data keys; its sealed facts stay and verify",
    options: [
      ['--subject ID', 'the subject (required); the output names it by its pseudonym only'],
      ['--key FILE', 'the ledger key that signs the SubjectErased (required)'],
      ['--at TIME', 'when the erasure happened (default now)'],
      ['--json', 'what was done as JSON: pseudonym, eventId, destroyedKeys (schemas/erase.schema.json)'],
      ...LEDGER_OPTIONS,
    ],
    exits: [3, 4],
    run: eraseCommand,
  },
  {
    name: 'consents',
    usage: '--controller ID --withdrawal-method TEXT [--subject ID] [--at TIME] [--format iso27560] [--out FILE] [--trust FILE.pub …]',
    summary: 'consent records in the shape of ISO/IEC TS 27560 with DPV terms (schemas/iso27560-consent-records.schema.json)',
    options: [
      ['--controller ID', 'the controller the records name (required)'],
      ['--withdrawal-method TEXT', 'how a subject withdraws consent (required)'],
      ['--controller-name NAME', "the controller's name"],
      ['--subject ID', 'one subject (default: every subject who gave or withdrew consent)'],
      AT,
      ['--format iso27560', 'the only format (default)'],
      ['--language TAG', 'the language of the notice, e.g. en'],
      ['--jurisdiction CODE', 'the jurisdiction, e.g. EU'],
      ['--out FILE', 'write there instead of stdout'],
      TRUST,
      CHECKPOINT,
      WITNESS,
      ...LEDGER_OPTIONS,
    ],
    exits: [3, 4],
    run: consentsCommand,
  },
  {
    name: 'retention',
    usage: '[--at TIME] [--json] [--trust FILE.pub …] [--checkpoint FILE …] [--witness FILE.pub …]',
    summary: 'what must be erased by when: erasure requests and data past its retention, overdue first',
    options: [AT, ['--json', 'the schedule as JSON (schemas/retention.schema.json)'], TRUST, CHECKPOINT, WITNESS, ...LEDGER_OPTIONS],
    exits: [2, 3, 4],
    run: retentionCommand,
  },
  {
    name: 'explain',
    usage: '--event ID [--at TIME] [--json] [--trust FILE.pub …]',
    summary: 'one event explained: its verdict, basis, proof, violations and the rules that judge it',
    options: [['--event ID', 'the event (required)'], AT, ['--json', 'the explanation as JSON (schemas/explain.schema.json)'], TRUST, ...LEDGER_OPTIONS],
    exits: [2, 3, 4],
    run: explainCommand,
  },
  {
    name: 'checkpoint',
    usage: '--key FILE [--out FILE]',
    summary: 'sign the log as it stands (a C2SP tlog-checkpoint) and record it in the ledger',
    options: [['--key FILE', 'the ledger key to sign with (required)'], ['--out FILE', 'write the signed note there (default stdout)'], ...LEDGER_OPTIONS],
    exits: [3, 4],
    run: checkpointCommand,
  },
  {
    name: 'witness',
    usage: 'CHECKPOINT --key FILE --state DIR --trust LOG.pub [--out FILE]',
    summary: 'cosign a checkpoint that extends the last one this witness cosigned; refuse a fork or a rollback',
    options: [
      ['--key FILE', "the witness's own key (required); its key id is its name"],
      ['--state DIR', 'where the witness remembers the last checkpoint it cosigned per log (required)'],
      ['--trust LOG.pub', "the log's public key (required)"],
      ['--out FILE', 'write the cosigned note there (default stdout)'],
      ...LEDGER_OPTIONS,
    ],
    exits: [3, 4],
    run: witnessCommand,
  },
  {
    name: 'prove',
    usage: '--event ID --out FILE [--checkpoint FILE] [--trust FILE.pub …] [--key FILE]',
    summary: 'a verdict bundle: one use, disclosure or access, its verdict and every fact it rests on, tied to a signed checkpoint',
    options: [
      ['--event ID', 'the DataUsed, DataDisclosed or PersonnelAccessed to prove (required)'],
      ['--out FILE', 'where to write the bundle (required); it holds that subject\'s facts: personal data'],
      ['--checkpoint FILE', 'the signed checkpoint to tie it to (default: the latest the ledger recorded that covers the event)'],
      ['--key FILE', 'the ledger key, to sign a checkpoint when none covers the event yet'],
      TRUST,
      ...LEDGER_OPTIONS,
    ],
    exits: [3, 4],
    run: proveCommand,
  },
  {
    name: 'verify-bundle',
    usage: 'FILE --trust LEDGER.pub … [--witness W.pub …] [--json]',
    summary: 'check a verdict bundle with public keys alone and re-derive its verdict with the rules; no ledger needed',
    options: [
      ['--trust FILE.pub …', "the ledger's public key(s) (required): keys in the bundle count only when one of these endorsed them"],
      ['--witness FILE.pub …', 'witnesses whose cosignature the checkpoint must carry'],
      ['--json', 'every check and the re-derived verdict as JSON'],
    ],
    exits: [3],
    run: verifyBundleCommand,
  },
  {
    name: 'demo',
    usage: '[--dir DIR] [--subjects N] [--at TIME] [--force] [--ledger esdb://…]',
    summary: 'record sixty realistic days under the seed policy, then verify and audit them',
    options: [
      ['--dir DIR', 'where the demo writes its ledger and key (default ./privacy-ledger-demo)'],
      ['--subjects N', 'how many people (default 1000)'],
      ['--at TIME', 'the audit time; the sixty days end two days before it (default now)'],
      ['--force', 'replace the ledger of an earlier demo in DIR'],
      ['--ledger esdb://…', 'record on an EventStoreDB server instead, under a fresh stream prefix'],
      ['--prefix P', 'the stream prefix to use on that server'],
    ],
    exits: [4],
    run: demoCommand,
  },
];
