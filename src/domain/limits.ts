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
export const factBytes = (fact: Fact): number => Buffer.byteLength(JSON.stringify(fact), 'utf8');

export const checkedFactLimit = (limits: FactLimits): number => {
  const max = limits.maxFactBytes ?? DEFAULT_MAX_FACT_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) throw new LedgerError('INVALID_INPUT', `maxFactBytes must be a positive integer, not ${String(max)}`, { maxFactBytes: max });
  return max;
};
