import { readFile } from 'node:fs/promises';
import { LedgerError } from '../../domain/errors.js';
import { parseFactLines } from '../../ledger/import.js';
import { parse } from '../args.js';
import { ledgerOptions, openCliLedger } from '../open.js';
import { progress } from '../progress.js';

const BATCH = 1_000;

export const importCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { ...ledgerOptions, key: { type: 'string' }, signing: { type: 'string' } }, 1);
  const file = positionals[0];
  if (!file) throw new LedgerError('INVALID_INPUT', 'import needs a FILE.jsonl');
  if (!values.key) throw new LedgerError('INVALID_INPUT', '--key FILE is required: facts are signed as they are recorded');
  const signing = values.signing ?? 'per-event';
  if (signing !== 'per-event' && signing !== 'per-batch') throw new LedgerError('INVALID_INPUT', `--signing must be per-event or per-batch, not "${signing}"`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new LedgerError('INVALID_INPUT', `cannot read ${file}: ${(e as Error).message}`);
  }
  const { facts, errors } = parseFactLines(text);
  if (errors.length > 0) {
    for (const e of errors) console.error(`${file}:${e.line}: ${e.field}: ${e.message}`);
    const lines = new Set(errors.map((e) => e.line)).size;
    console.error(`${lines} bad line(s) in ${file}: nothing was imported`);
    return 1;
  }
  const ledger = await openCliLedger(values, signing);
  const bar = progress('imported');
  let recorded = 0;
  let duplicates = 0;
  try {
    for (let i = 0; i < facts.length; i += BATCH) {
      const results = await ledger.record(facts.slice(i, i + BATCH));
      for (const r of results) r.duplicate ? duplicates++ : recorded++;
      bar.update(recorded + duplicates);
    }
  } finally {
    bar.done();
    await ledger.close();
  }
  console.log(`imported ${recorded} fact(s) into ${ledger.store.name}` + (duplicates ? `; ${duplicates} already recorded (same ids), skipped` : ''));
  return 0;
};
