/**
 * RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16 code units,
 * no whitespace, numbers and strings serialized as ECMAScript's JSON.stringify does
 * (which is what the RFC specifies for both).
 */
export const canonicalize = (value: unknown): string => {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : canonicalize(v))).join(',') + ']';
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly as the RFC requires.
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      out += (i === 0 ? '' : ',') + JSON.stringify(k) + ':' + canonicalize(obj[k]);
    }
    return out + '}';
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
};
