import { readFile } from 'node:fs/promises';
import { LedgerError } from '../../domain/errors.js';
import type { Fact } from '../../domain/facts.js';
import { parseFactLines } from '../../ledger/import.js';
import { parse } from '../args.js';
import { ledgerOptions, openCliLedger } from '../open.js';
import { progress } from '../progress.js';

const BATCH = 1_000;

/** A batch the ledger refused, told by the file line it came from and what was already imported. */
const failedAt = (e: unknown, file: string, batch: readonly Fact[], lines: readonly number[], done: number): unknown => {
  if (!(e instanceof LedgerError)) return e;
  const id = typeof e.details.id === 'string' ? e.details.id.toLowerCase() : undefined;
  const at = id === undefined ? -1 : batch.findIndex((f) => f.id?.toLowerCase() === id);
  const where = at >= 0 ? `${file}:${lines[at]}` : `${file}, lines ${lines[0]}–${lines[lines.length - 1]}`;
  return new LedgerError(e.code, `${where}: ${e.message}. The ${done} fact(s) before this batch were imported; importing the file again after a fix records them once.`, {
    ...e.details,
    file,
    imported: done,
  });
};

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
  const { facts, lines, errors } = parseFactLines(text);
  if (errors.length > 0) {
    for (const e of errors) console.error(`${file}:${e.line}: ${e.field}: ${e.message}`);
    const lines = new Set(errors.map((e) => e.line)).size;
    console.error(`${lines} bad line(s) in ${file}: nothing was imported`);
    return 1;
  }
  const ledger = await openCliLedger(values, { signing, create: true });
  const bar = progress('imported', { total: facts.length });
  let recorded = 0;
  let duplicates = 0;
  try {
    for (let i = 0; i < facts.length; i += BATCH) {
      const batch = facts.slice(i, i + BATCH);
      const results = await ledger.record(batch).catch((e: unknown) => {
        throw failedAt(e, file, batch, lines.slice(i, i + BATCH), recorded + duplicates);
      });
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
