import { readFile } from 'node:fs/promises';
import { escapeForDisplay } from '../../audit/escape.js';
import { LedgerError } from '../../domain/errors.js';
import type { Fact } from '../../domain/facts.js';
import { DEFAULT_MAX_FACT_BYTES } from '../../domain/limits.js';
import { parseFactLines } from '../../ledger/import.js';
import { parse } from '../args.js';
import { ledgerOptions, openCliLedger } from '../open.js';
import { progress } from '../progress.js';

const BATCH = 1_000;

interface Failure {
  readonly file: string;
  readonly batch: readonly Fact[];
  readonly lines: readonly number[];
  /** Facts of earlier batches, recorded (or found recorded) before this one. */
  readonly done: number;
  /** Whether the store appends a batch all or nothing (SQLite, memory) or stream by stream (EventStoreDB). */
  readonly atomic: boolean;
}

/** A batch the ledger refused, told by the file line it came from and exactly what was recorded. */
const failedAt = (e: unknown, { file, batch, lines, done, atomic }: Failure): unknown => {
  if (!(e instanceof LedgerError)) return e;
  const id = typeof e.details.id === 'string' ? e.details.id.toLowerCase() : undefined;
  const at = id === undefined ? -1 : batch.findIndex((f) => f.id?.toLowerCase() === id);
  const where = at >= 0 ? `${file}:${lines[at]}` : `${file}, lines ${lines[0]}–${lines[lines.length - 1]}`;
  const first = lines[0]!;
  const kept = done === 0 ? 'Nothing was recorded before it' : `The ${done} fact(s) before line ${first} are recorded and stay recorded`;
  const batchFate = atomic ? `nothing from line ${first} on was recorded` : `facts of lines ${first}–${lines[lines.length - 1]} may be recorded in part`;
  return new LedgerError(
    e.code,
    `${where}: ${e.message}. ${kept}; ${batchFate}. Fix the file and import it again: a fact already recorded is known by its id (or, without one, by its content) and is not recorded twice.`,
    { ...e.details, file, imported: done, ...(at >= 0 ? { line: lines[at] } : {}) },
  );
};

/** `--max-fact-bytes` as a number of bytes, or the default. */
const factLimitOf = (given: string | undefined): number => {
  if (given === undefined) return DEFAULT_MAX_FACT_BYTES;
  if (!/^[1-9][0-9]{0,12}$/.test(given)) throw new LedgerError('INVALID_INPUT', `--max-fact-bytes must be a positive whole number of bytes, not "${given}"`);
  return Number(given);
};

export const importCommand = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { ...ledgerOptions, key: { type: 'string' }, signing: { type: 'string' }, backfill: { type: 'boolean' }, origin: { type: 'string' }, 'max-fact-bytes': { type: 'string' } }, 1);
  const file = positionals[0];
  if (!file) throw new LedgerError('INVALID_INPUT', 'import needs a FILE.jsonl');
  if (!values.key) throw new LedgerError('INVALID_INPUT', '--key FILE is required: facts are signed as they are recorded');
  const signing = values.signing ?? 'per-event';
  if (signing !== 'per-event' && signing !== 'per-batch') throw new LedgerError('INVALID_INPUT', `--signing must be per-event or per-batch, not "${signing}"`);
  const maxFactBytes = factLimitOf(values['max-fact-bytes']);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new LedgerError('INVALID_INPUT', `cannot read ${file}: ${(e as Error).message}`);
  }
  const { facts, lines, errors } = parseFactLines(text, { maxFactBytes });
  if (errors.length > 0) {
    for (const e of errors) console.error(escapeForDisplay(`${file}:${e.line}: ${e.field}: ${e.message}`));
    const lines = new Set(errors.map((e) => e.line)).size;
    console.error(`${lines} bad line(s) in ${file}: nothing was imported`);
    return 1;
  }
  const ledger = await openCliLedger({ ...values, maxFactBytes }, { signing, create: true, keys: 'create' });
  const bar = progress('imported', { total: facts.length });
  let recorded = 0;
  let duplicates = 0;
  try {
    for (let i = 0; i < facts.length; i += BATCH) {
      const batch = facts.slice(i, i + BATCH);
      const results = await ledger.record(batch, { backfill: values.backfill === true }).catch((e: unknown) => {
        throw failedAt(e, { file, batch, lines: lines.slice(i, i + BATCH), done: recorded + duplicates, atomic: ledger.store.appendMany !== undefined });
      });
      for (const r of results) r.duplicate ? duplicates++ : recorded++;
      bar.update(recorded + duplicates);
    }
  } finally {
    bar.done();
    await ledger.close();
  }
  console.log(
    `imported ${recorded} fact(s) into ${ledger.store.name}` +
      (values.backfill ? ' as declared backfill (their times are your word: the audit shows them as asserted)' : '') +
      (duplicates ? `; ${duplicates} already recorded (same ids), skipped` : ''),
  );
  return 0;
};
