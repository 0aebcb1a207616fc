/** The figures a page ties to its JSON report (`data-figure` = a JSON Pointer), and the JSON's value there. */
export interface Figure {
  readonly path: string;
  readonly value: number;
}

const unescape = (s: string): string => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export const figuresOf = (page: string): Figure[] =>
  [...page.matchAll(/data-figure="([^"]*)">([\d,]+)</g)].map((m) => ({ path: unescape(m[1]!), value: Number(m[2]!.replace(/,/g, '')) }));

/** RFC 6901, plus `*`: the sum over an array's entries of what follows. An array's own value is its length. */
export const valueAt = (doc: unknown, path: string): number | undefined => {
  const steps = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const walk = (v: unknown, i: number): number | undefined => {
    if (i === steps.length) return Array.isArray(v) ? v.length : typeof v === 'number' ? v : undefined;
    if (steps[i] === '*') return Array.isArray(v) ? v.reduce((k: number, x) => k + (walk(x, i + 1) ?? NaN), 0) : undefined;
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, steps[i]!)) return undefined;
    return walk((v as Record<string, unknown>)[steps[i]!], i + 1);
  };
  return walk(doc, 0);
};
