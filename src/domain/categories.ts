import * as t from 'io-ts';

// fideslang-style dotted names: user.contact.email
const CATEGORY_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export interface CategoryBrand {
  readonly Category: unique symbol;
}
export const Category = t.brand(t.string, (s): s is t.Branded<string, CategoryBrand> => CATEGORY_RE.test(s), 'Category');
export type Category = t.TypeOf<typeof Category>;

/** `user.contact` covers `user.contact` and `user.contact.email`, never `user.contacts`. Allocates nothing: folds call it per fact. */
export const covers = (broader: string, narrower: string): boolean =>
  narrower === broader ||
  (narrower.length > broader.length && narrower.charCodeAt(broader.length) === 46 /* . */ && narrower.startsWith(broader));

export const coveredByAny = (held: readonly string[], category: string): boolean => {
  for (let i = 0; i < held.length; i++) if (covers(held[i]!, category)) return true;
  return false;
};

/** The categories of `wanted` that nothing in `held` covers. */
export const uncovered = (held: readonly string[], wanted: readonly string[]): string[] =>
  wanted.filter((c) => !coveredByAny(held, c));
