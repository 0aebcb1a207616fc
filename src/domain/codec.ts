import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';

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
 */
export const closedType = <R extends t.Props, O extends t.Props>(name: string, required: R, optional: O) => {
  const shape = t.intersection([t.type(required), t.partial(optional)]);
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  type A = t.TypeOf<typeof shape>;
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => shape.is(u) && Object.keys(u as object).every((k) => known.has(k)),
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, `expected an object`);
      const extra = Object.keys(u).filter((k) => !known.has(k) && (u as Record<string, unknown>)[k] !== undefined);
      const extraErrors: t.Errors = extra.map((k) => ({
        value: (u as Record<string, unknown>)[k],
        context: [...c, { key: k, type: t.never, actual: (u as Record<string, unknown>)[k] }],
        message: `unknown field "${k}"`,
      }));
      const shaped = shape.validate(u, c);
      if (extraErrors.length > 0) return t.failures(E.isLeft(shaped) ? [...shaped.left, ...extraErrors] : extraErrors);
      // Drop optional keys explicitly set to undefined, so canonical JSON never sees them.
      return pipe(
        shaped,
        E.map((a) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(a as object)) if (v !== undefined) out[k] = v;
          return out as A;
        }),
      );
    },
    t.identity,
  );
};

const isBranch = (type: t.Decoder<unknown, unknown> | undefined): boolean =>
  type instanceof t.IntersectionType || type instanceof t.UnionType;

const describe = (v: unknown): string => {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
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
