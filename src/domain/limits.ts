import { LedgerError } from './errors.js';
import type { Fact } from './facts.js';

/** The largest fact `record()` and `import` accept by default: 64 KiB of canonical JSON. */
export const DEFAULT_MAX_FACT_BYTES = 64 * 1024;

/**
 * How deep a stored value may nest before a reader refuses it unread. A fact nests three
 * levels at most, an envelope four; the bound keeps every recursive step after it (codecs,
 * canonical JSON, error messages) far from the call stack's limit.
 */
export const MAX_NESTING = 32;

export interface FactLimits {
  /** Largest fact in UTF-8 bytes of its canonical JSON. Default DEFAULT_MAX_FACT_BYTES. */
  readonly maxFactBytes?: number;
}

/**
 * Why a value cannot be decoded safely (nested deeper than `maxDepth`), or undefined. Walks
 * without recursion, so no input can exhaust the stack here.
 */
export const nestingProblem = (value: unknown, maxDepth: number = MAX_NESTING): string | undefined => {
  // Two parallel stacks rather than tuples: this runs on every envelope read.
  const values: object[] = [];
  const depths: number[] = [];
  if (typeof value === 'object' && value !== null) values.push(value), depths.push(0);
  while (values.length > 0) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth >= maxDepth) return `nested more than ${maxDepth} levels deep`;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (let i = 0; i < children.length; i++) {
      const child: unknown = children[i];
      if (typeof child === 'object' && child !== null) values.push(child), depths.push(depth + 1);
    }
  }
  return undefined;
};

/**
 * UTF-8 bytes of a decoded fact's canonical JSON. Canonical JSON differs from JSON.stringify
 * only in key order, so the two have the same length.
 */
export const factBytes = (fact: Fact): number => utf8Length(JSON.stringify(fact));

/** UTF-8 length of a string, counted without encoding it (and without Buffer: the domain runs in browsers too). */
const utf8Length = (s: string): number => {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) n += 2, i++; // a pair: 4 bytes for 2 units
    else n += 2; // 3 bytes (a lone surrogate is encoded as U+FFFD, 3 bytes)
  }
  return n;
};

export const checkedFactLimit = (limits: FactLimits): number => {
  const max = limits.maxFactBytes ?? DEFAULT_MAX_FACT_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) throw new LedgerError('INVALID_INPUT', `maxFactBytes must be a positive integer, not ${String(max)}`, { maxFactBytes: max });
  return max;
};
