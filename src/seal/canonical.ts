/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units,
 * no whitespace, numbers and strings serialized as ECMAScript's JSON.stringify does
 * (which is what the RFC specifies for both). On the hot path of every seal and verify.
 */
export const canonicalize = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${value}`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
};

const canonicalArray = (xs: readonly unknown[]): string => {
  let out = '[';
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    out += (i === 0 ? '' : ',') + (v === undefined ? 'null' : canonicalize(v));
  }
  return out + ']';
};

const canonicalObject = (obj: Record<string, unknown>): string => {
  // The default sort compares UTF-16 code units, exactly as the RFC requires.
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalize(v);
    first = false;
  }
  return out + '}';
};
