import { mulberry32 } from '../helpers/prng.js';
/**
 * A seeded generator of hostile variants of JSON text and values, so a failing case can be
 * replayed from its seed and index: flipped bytes, truncations, deep nesting, huge strings,
 * wrong types, odd Unicode, repeated and unknown keys.
 */

/** The fuzz suites' generator: integers and picks over the shared seeded sequence. */
export interface Rand {
  /** The next number in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

export const prng = (seed: number): Rand => {
  const next = mulberry32(seed);
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
};

const ODD = ['\u0000', '\u001b[8m', '\n', '\r', '\u0085', '\u009b', '\u202e', '\u2066', '\u200f', '\ufeff', '\u200d', '\ud800', '\udc00', '😀', 'é', 'ﬁ', '\u0301', '\\', '"', '\u2028'];
const ALPHABET = [...'{}[]",:\\0123456789eE+-.truefalsn xyzABC', ...ODD];

/** Raw JSON text of a value nested `depth` levels deep in arrays or objects. */
export const deepText = (rand: Rand, depth: number): string =>
  rand.next() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** A value nested `depth` deep, built without recursion (some are cyclic). */
export const deepValue = (rand: Rand, depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = rand.next() < 0.5 ? [v] : { k: v };
  if (rand.next() < 0.2) {
    const cyclic: Record<string, unknown> = { v };
    cyclic.self = cyclic;
    return cyclic;
  }
  return v;
};

export const oddString = (rand: Rand): string => {
  const parts = Array.from({ length: 1 + rand.int(4) }, () => (rand.next() < 0.5 ? rand.pick(ODD) : 'text'));
  return parts.join('');
};

const wrongValue = (rand: Rand): unknown =>
  rand.pick<() => unknown>([
    () => null,
    () => rand.int(1e9) - 5e8,
    () => 1e308 * 10, // Infinity: JSON writes null
    () => -0,
    () => rand.next() < 0.5,
    () => [],
    () => ({}),
    () => [1, 'two', null],
    () => ({ nested: { deeper: ['x'] } }),
    () => '',
    () => '   ',
    () => oddString(rand),
    () => 'x'.repeat(1 + rand.int(100_000)),
    () => '2026-02-30T00:00:00Z',
    () => '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B',
  ])();

/** One text mutation: a byte flipped, inserted or deleted, or the text cut short. */
export const mutateText = (rand: Rand, text: string): string => {
  const at = rand.int(text.length + 1);
  switch (rand.int(5)) {
    case 0:
      return text.slice(0, at) + rand.pick(ALPHABET) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + rand.pick(ALPHABET) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + rand.int(8));
    case 3:
      return text.slice(0, at);
    default: {
      // Flip one bit of one byte of the UTF-8 encoding, and read it back as a store would.
      const bytes = Buffer.from(text, 'utf8');
      const i = rand.int(bytes.length);
      bytes[i] = bytes[i]! ^ (1 << rand.int(8));
      return bytes.toString('utf8');
    }
  }
};

const PLACEHOLDER = '"__deep_placeholder__"';

/** Every [object, key] place in a parsed JSON value, the value itself excluded. */
const placesIn = (value: unknown): [Record<string, unknown> | unknown[], string | number][] => {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), stack.push(x)));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push([v as Record<string, unknown>, k]), stack.push(x);
  }
  return out;
};

/**
 * One structural mutation of a JSON object's text: a value replaced by a wrong type, a huge
 * string, odd Unicode or deep nesting; a key removed, added unknown, or repeated.
 */
export const mutateJson = (rand: Rand, text: string): string => {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return mutateText(rand, text); // an earlier mutation broke the text: keep breaking it
  }
  const places = placesIn(value);
  if (places.length === 0) return mutateText(rand, text);
  const [holder, key] = rand.pick(places);
  switch (rand.int(6)) {
    case 0:
      (holder as Record<string, unknown>)[key] = wrongValue(rand);
      return JSON.stringify(value);
    case 1: {
      (holder as Record<string, unknown>)[key] = '__deep_placeholder__';
      return JSON.stringify(value).replace(PLACEHOLDER, deepText(rand, 33 + rand.int(20_000)));
    }
    case 2:
      (holder as Record<string, unknown>)[key] = oddString(rand);
      return JSON.stringify(value);
    case 3:
      if (Array.isArray(holder)) holder.splice(key as number, 1);
      else delete holder[key as string];
      return JSON.stringify(value);
    case 4: {
      // A key repeated: the first copy forged, the last the original.
      const brace = text.indexOf('{', rand.int(text.length));
      const at = brace < 0 ? 0 : brace;
      const k = typeof key === 'string' ? key : 'fact';
      return text.slice(0, at + 1) + `${JSON.stringify(k)}:${JSON.stringify(wrongValue(rand))},` + text.slice(at + 1);
    }
    default:
      if (!Array.isArray(holder)) holder[`extra${rand.int(100)}`] = wrongValue(rand);
      else holder.push(wrongValue(rand));
      return JSON.stringify(value);
  }
};

/** Any mutation, text-level or structural. */
export const mutate = (rand: Rand, text: string): string => {
  if (rand.next() < 0.5) return mutateText(rand, text);
  try {
    return mutateJson(rand, text);
  } catch {
    return mutateText(rand, text); // text an earlier mutation nested too deep to re-serialize
  }
};
