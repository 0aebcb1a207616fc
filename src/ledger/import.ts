import * as E from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import type { Fact } from '../domain/facts.js';
import { decodeInputFact } from '../domain/input.js';
import type { FactLimits } from '../domain/limits.js';
import { sha256Hex } from '../seal/hash.js';

export interface LineError {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface ParsedFacts {
  readonly facts: Fact[];
  /** The 1-based line each fact came from. */
  readonly lines: number[];
  readonly errors: LineError[];
}

// Namespace for ids derived from an import file's content and line number.
const IMPORT_NAMESPACE = '0f6b1d9e-7c1a-4f7e-8a53-2b1f0c9d4e77';

/**
 * Parses a JSON-lines file of facts, validating every line before anything is recorded.
 * A fact without an id gets one derived from the file's hash and its line number, so
 * importing the same file again (after a crash, say) records nothing twice. Ids come out in
 * lower case, and a fact larger than `limits.maxFactBytes` is refused like any bad line.
 */
export const parseFactLines = (text: string, limits: FactLimits = {}): ParsedFacts => {
  const fileHash = sha256Hex(text);
  const facts: Fact[] = [];
  const lines: number[] = [];
  const errors: LineError[] = [];
  const idLines = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      errors.push({ line, field: '(line)', message: `not JSON: ${(e as Error).message}` });
      return;
    }
    const r = decodeInputFact(value, limits);
    if (E.isLeft(r)) {
      errors.push(...r.left.map((err) => ({ line, ...err })));
      return;
    }
    const id = r.right.id;
    if (id !== undefined) {
      const first = idLines.get(id);
      if (first !== undefined) {
        errors.push({ line, field: 'id', message: `id ${id} is already used on line ${first}` });
        return;
      }
      idLines.set(id, line);
    }
    facts.push(id ? r.right : ({ ...r.right, id: uuidv5(`${fileHash}:${line}`, IMPORT_NAMESPACE) } as Fact));
    lines.push(line);
  });
  return { facts, lines, errors };
};
