/**
 * HTML built only through the `html` tagged template: every interpolated value is escaped
 * unless it is already `SafeHtml` (the output of `html` itself, or of `svg` builders), so a
 * caller-supplied string can never become markup.
 */
const SAFE: unique symbol = Symbol('safe-html');

export interface SafeHtml {
  readonly [SAFE]: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value → HTML that shows it verbatim. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const isSafe = (x: unknown): x is SafeHtml => typeof x === 'object' && x !== null && SAFE in x;

/** Markup this module's callers wrote themselves (never data). */
export const trusted = (markup: string): SafeHtml => ({ [SAFE]: markup });

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const render = (v: HtmlValue): string => {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return escapeHtml(v);
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  return (v as SafeHtml)[SAFE];
};

export const html = (strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml => {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return { [SAFE]: out };
};

export const toHtmlString = (h: SafeHtml): string => h[SAFE];
