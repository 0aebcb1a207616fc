import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';

/** One reason a value was refused: the dotted path of the field and what was wrong with it. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An array with at least one element. */
export const nonEmptyArray = <C extends t.Mixed>(codec: C, name = `NonEmptyArray<${codec.name}>`) =>
  t.refinement(t.array(codec), (xs) => xs.length > 0, name);

/**
 * A record type that refuses keys it does not declare: a typo in a fact
 * (`purpse`) must be an error that names the key, not a silently dropped field.
 * Validates field by field in one pass (every fact decoded on record and on replay goes
 * through here), reporting every bad field, and drops optional keys set to undefined so
 * canonical JSON never sees them.
 */
export const closedType = <R extends t.Props, O extends t.Props>(name: string, required: R, optional: O) => {
  const shape = t.intersection([t.type(required), t.partial(optional)]);
  type A = t.TypeOf<typeof shape>;
  const fields = [
    ...Object.entries(required).map(([key, codec]) => ({ key, codec, optional: false })),
    ...Object.entries(optional).map(([key, codec]) => ({ key, codec, optional: true })),
  ];
  const known = new Set(fields.map((f) => f.key));
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => shape.is(u) && Object.keys(u as object).every((k) => known.has(k)),
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, `expected an object`);
      const input = u as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const errors: t.ValidationError[] = [];
      for (const { key, codec, optional: isOptional } of fields) {
        const value = input[key];
        if (value === undefined && isOptional) continue;
        // Every codec of ours decodes to its input: `is` settles the common case without
        // building a context; `validate` runs only to describe what is wrong.
        if (codec.is(value)) {
          out[key] = value;
          continue;
        }
        const r = codec.validate(value, [...c, { key, type: codec, actual: value }]);
        if (E.isLeft(r)) errors.push(...r.left);
        else out[key] = r.right;
      }
      for (const key of Object.keys(input)) {
        if (known.has(key) || input[key] === undefined) continue;
        errors.push({ value: input[key], context: [...c, { key, type: t.never, actual: input[key] }], message: `unknown field "${key}"` });
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as A);
    },
    t.identity,
  );
};

const isBranch = (type: t.Decoder<unknown, unknown> | undefined): boolean =>
  type instanceof t.IntersectionType || type instanceof t.UnionType;

// Bounded whatever the input: a huge string is cut before it is quoted, a container is
// summarized rather than serialized (it may nest deep enough to overflow the stack).
const describe = (v: unknown): string => {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return v.length > 60 ? JSON.stringify(v.slice(0, 57)).slice(0, -1) + '..."' : JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function' ? `a ${typeof v}` : String(v);
};

/** io-ts errors as one `FieldError` per offending field, deduplicated (unions report once per branch). */
export const fieldErrors = (errors: t.Errors): FieldError[] => {
  const seen = new Map<string, FieldError>();
  for (const e of errors) {
    // Intersection and union members add index keys of their own (same value as their parent);
    // only fields and array indices name a place.
    const path = e.context
      .filter((c, i) => i > 0 && c.key !== '' && !isBranch(e.context[i - 1]?.type) && c.actual !== e.context[i - 1]?.actual)
      .map((c) => c.key)
      .join('.');
    const last = e.context[e.context.length - 1];
    const field = path === '' ? '(fact)' : path;
    const message = e.message ?? `expected ${last?.type.name ?? 'a value'}, got ${describe(e.value)}`;
    if (!seen.has(field)) seen.set(field, { field, message });
  }
  return [...seen.values()];
};

export const formatFieldErrors = (errors: readonly FieldError[]): string =>
  errors.map((e) => `${e.field}: ${e.message}`).join('; ');
