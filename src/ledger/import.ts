import * as E from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import type { Fact } from '../domain/facts.js';
import { decodeIncomingFact } from '../domain/input.js';
import type { FactLimits } from '../domain/limits.js';
import type { InputChecks } from '../domain/fact-input.js';

/** What an import holds each line to: the size limit, and the edge's checks (now, how far into the future). */
export interface ImportChecks extends FactLimits, Partial<InputChecks> {}
import { canonicalize } from '../seal/canonical.js';
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

// Namespace for ids derived from a fact's content and its place among identical facts.
const IMPORT_NAMESPACE = '0f6b1d9e-7c1a-4f7e-8a53-2b1f0c9d4e77';

/**
 * Parses a JSON-lines file of facts, validating every line before anything is recorded.
 * A fact without an id gets one derived from its content (canonical JSON) and how many
 * identical facts came before it in the file, never from the file as a whole: importing the
 * file again after a crash, or after fixing or removing other lines, records nothing twice.
 * Ids come out in lower case, and a fact larger than `limits.maxFactBytes` is refused like any bad line.
 */
export const parseFactLines = (text: string, options: ImportChecks = {}): ParsedFacts => {
  const checks: InputChecks = { ...options, now: options.now ?? Date.now() };
  const limits: FactLimits = options;
  const seenContent = new Map<string, number>();
  const derivedId = (fact: Fact): string => {
    const content = sha256Hex(canonicalize(fact));
    const k = seenContent.get(content) ?? 0;
    seenContent.set(content, k + 1);
    return uuidv5(`${content}:${k}`, IMPORT_NAMESPACE);
  };
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
    const decoded = decodeIncomingFact(value, checks, limits);
    const r: typeof decoded = E.isRight(decoded) && decoded.right.type === 'CheckpointRecorded'
      ? E.left([{ field: 'type', message: 'a CheckpointRecorded is recorded by the ledger itself (privacy-ledger checkpoint), never imported' }])
      : decoded;
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
    facts.push(id ? r.right : ({ ...r.right, id: derivedId(r.right) } as Fact));
    lines.push(line);
  });
  return { facts, lines, errors };
};
