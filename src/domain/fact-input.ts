import * as E from 'fp-ts/lib/Either.js';
import type { FieldError } from './codec.js';
import { decodeFact, type Fact } from './facts.js';

/**
 * The edge where a caller's fact enters: what the codec cannot know is checked here, before
 * decoding. Stored facts are decoded by `decodeFact` alone, so a ledger verifies what was
 * signed, whatever these checks become.
 */
export interface InputChecks {
  /** Epoch ms now. */
  readonly now: number;
  /** How far `at` may lie after now (clock skew between machines). Default five minutes. */
  readonly futureToleranceMs?: number;
}

export const DEFAULT_FUTURE_TOLERANCE_MS = 5 * 60_000;

const TIME_FIELDS = ['at', 'effectiveAt', 'noticeDeferredUntil', 'until'] as const;
const OFFSET_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([+-])(\d{2}):?(\d{2})$/;

/**
 * An ISO-8601 time with an offset (`2026-11-01T10:00:00+02:00`) as the UTC instant it names
 * (`2026-11-01T08:00:00Z`), the fraction kept; anything else is returned as given, for the
 * codec to judge.
 */
export const normaliseOffset = (s: string): string => {
  const m = OFFSET_RE.exec(s);
  if (!m) return s;
  const [, y, mo, d, h, mi, sec, fraction, sign, oh, om] = m;
  if (+oh! > 14 || +om! > 59) return s;
  const local = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +sec!);
  // The fields must name a real local time: Date.UTC rolls 2026-02-30 over to March.
  if (new Date(local).toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${sec}`) return s;
  const utc = local - (sign === '+' ? 1 : -1) * (+oh! * 60 + +om!) * 60_000;
  return new Date(utc).toISOString().slice(0, 19) + (fraction ?? '') + 'Z';
};

const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;
/** A phone number: `+` and 7–15 digits, digit groups joined by `-` or `.`, or 10–15 bare digits. */
const looksLikePhone = (s: string): boolean => {
  const digits = s.replace(/[^\d]/g, '').length;
  if (!/^\+?\d[\d.-]*\d$/.test(s)) return false;
  if (s.startsWith('+')) return digits >= 7 && digits <= 15;
  if (/[.-]/.test(s)) return digits >= 7 && digits <= 15 && /^\d{2,4}([.-]\d{2,4}){2,4}$/.test(s);
  return digits >= 10 && digits <= 15;
};

/** Why an id looks like personal data, or undefined. Ids are pseudonyms: an address or a number identifies the person. */
export const personalDataIn = (id: string): string | undefined =>
  EMAIL_RE.test(id) ? 'looks like an email address' : looksLikePhone(id) ? 'looks like a phone number' : undefined;

const personFields = (u: Record<string, unknown>): [string, unknown][] => [
  ['subject', u.subject],
  ['staff', u.staff],
  ...(Array.isArray(u.subjects) ? u.subjects.map((s, i): [string, unknown] => [`subjects.${i}`, s]) : []),
  ['audience', u.audience === 'all' ? undefined : u.audience],
];

/** Decodes a caller's fact: offsets normalised to UTC, then the codec, then the checks the codec cannot make. */
export const decodeFactInput = (u: unknown, checks: InputChecks): E.Either<FieldError[], Fact> => {
  let input = u;
  if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
    const o = { ...(u as Record<string, unknown>) };
    for (const f of TIME_FIELDS) if (typeof o[f] === 'string') o[f] = normaliseOffset(o[f] as string);
    input = o;
  }
  const r = decodeFact(input);
  if (E.isLeft(r)) return r;
  const errors: FieldError[] = [];
  for (const [field, value] of personFields(input as Record<string, unknown>)) {
    const why = typeof value === 'string' ? personalDataIn(value) : undefined;
    if (why) errors.push({ field, message: `${JSON.stringify(value)} ${why}: ids are pseudonyms, never personal data (map it to an id like "u-42")` });
  }
  const tolerance = checks.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS;
  if (Date.parse(r.right.at) > checks.now + tolerance) {
    errors.push({ field: 'at', message: `${r.right.at} lies more than ${Math.round(tolerance / 1000)} s in the future: a fact records what happened` });
  }
  return errors.length ? E.left(errors) : r;
};
