import * as E from 'fp-ts/lib/Either.js';
import type { FieldError } from './codec.js';
import { decodeFact, type Fact } from './facts.js';
import { checkedFactLimit, factBytes, nestingProblem, type FactLimits } from './limits.js';
import { decodeFactInput, type InputChecks } from './fact-input.js';

// Fields that hold an event id (a UUID): compared without regard to case, so kept in one form.
const EVENT_ID_FIELDS = ['id', 'consentRef', 'about'] as const;

/** A fact with every event id in lower case, the one form the ledger stores and compares. */
export const withCanonicalIds = (fact: Fact): Fact => {
  let out: Record<string, unknown> | undefined;
  for (const field of EVENT_ID_FIELDS) {
    const v = (fact as Record<string, unknown>)[field];
    if (typeof v === 'string' && v !== v.toLowerCase()) (out ??= { ...fact })[field] = v.toLowerCase();
  }
  return (out as Fact | undefined) ?? fact;
};

/**
 * `decodeFact` for a fact from outside the ledger (record, check, import): refuses one that
 * nests too deep or is larger than the limit, naming the size, and writes its event ids in
 * lower case, so the same fact sent again with its id in upper case is recognised.
 */
export const decodeInputFact = (u: unknown, limits: FactLimits = {}): E.Either<FieldError[], Fact> => {
  const max = checkedFactLimit(limits);
  const deep = nestingProblem(u);
  if (deep !== undefined) return E.left([{ field: '(fact)', message: deep }]);
  const decoded = decodeFact(u);
  if (E.isLeft(decoded)) return decoded;
  const size = factBytes(decoded.right);
  if (size > max) {
    return E.left([{ field: '(fact)', message: `is ${size} bytes of canonical JSON; the limit is ${max} bytes (maxFactBytes)` }]);
  }
  return E.right(withCanonicalIds(decoded.right));
};

/**
 * Every fact entering the ledger (record, check, import): nesting refused before anything
 * walks it, then the caller's edge (UTC offsets normalised, pseudonymous ids, no future `at`),
 * then the size limit and ids in lower case.
 */
export const decodeIncomingFact = (u: unknown, checks: InputChecks, limits: FactLimits = {}): E.Either<FieldError[], Fact> => {
  const deep = nestingProblem(u);
  if (deep !== undefined) return E.left([{ field: '(fact)', message: deep }]);
  const checked = decodeFactInput(u, checks);
  return E.isLeft(checked) ? checked : decodeInputFact(checked.right, limits);
};
