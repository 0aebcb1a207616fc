import * as t from 'io-ts';

/**
 * Characters that change how text is shown rather than what it says: C0 and C1 controls
 * (newline, ESC, …), DEL, and the bidirectional marks, embeddings, overrides and isolates.
 * In a report they could forge lines, hide text or reorder it (Trojan Source).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

const codePoint = (c: string): string => 'U+' + c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/** What makes `s` unfit as free text in a fact, or undefined. */
export const freeTextProblem = (s: string): string | undefined => {
  if (s.trim().length === 0) return 'is empty';
  if (LONE_SURROGATE.test(s)) return 'is not well-formed Unicode (a lone surrogate)';
  const m = UNSAFE.exec(s);
  if (m !== null) return `contains ${codePoint(m[0])} at index ${m.index}: free text may not hold control or bidirectional-formatting characters`;
  return undefined;
};

/**
 * `s` made safe to print on a terminal or in a text report: every control or bidirectional
 * character, and every lone surrogate, shown as a visible `\u{…}` escape instead.
 */
export const escapeForDisplay = (s: string): string =>
  s.replace(UNSAFE_ALL, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).replace(LONE_SURROGATE_ALL, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);

export interface FreeTextBrand {
  readonly FreeText: unique symbol;
}
/** Human-written text in a fact (an actor, a recipient, a reason): non-empty, printable, well-formed. */
export const FreeText = new t.Type<t.Branded<string, FreeTextBrand>, string, unknown>(
  'FreeText',
  (u): u is t.Branded<string, FreeTextBrand> => typeof u === 'string' && freeTextProblem(u) === undefined,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c);
    const problem = freeTextProblem(u);
    return problem === undefined ? t.success(u as t.Branded<string, FreeTextBrand>) : t.failure(u, c, problem);
  },
  t.identity,
);
export type FreeText = t.TypeOf<typeof FreeText>;
