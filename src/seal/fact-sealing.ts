import type { Fact } from '../domain/facts.js';
import type { DataKey } from '../store/key-store.js';
import { canonicalize } from './canonical.js';
import { openText, tagOf, type SealedBox } from './data-seal.js';

/**
 * Which fields of a fact identify or describe a person, and what stands in their place in the
 * envelope (README, "Erasure: what is sealed"): the subject id becomes its pseudonym, free text
 * about the subject becomes a tag under the subject's key, and the originals not yet boxed in
 * the subject's stream go into one box under that key (planSeal). Categories, purposes, reasons, sources, channels, times, ids and fact types
 * stay clear: the compliance fold judges them without any key.
 */
const TAGGED: Partial<Record<Fact['type'], readonly string[]>> = {
  DataCollected: ['actor'],
  DataUsed: ['actor'],
  ConsentGranted: ['method', 'recipients'],
  DataDisclosed: ['actor', 'recipient', 'legalRef', 'deferralRef'],
};

/** The one subject whose key seals a fact, or undefined (policy, keys, staff, incidents, checkpoints). */
export const sealingSubjectOf = (f: Fact): string | undefined =>
  f.type === 'PolicyNoticeSent' ? (f.audience === 'all' ? undefined : f.audience) : 'subject' in f ? f.subject : undefined;

/** The fact with every subject id in it replaced by its pseudonym (subject, audience, subjects[]). */
export const pseudonymised = (f: Fact, pseudonym: (subject: string) => string): Fact => {
  if (f.type === 'PolicyNoticeSent') return f.audience === 'all' ? f : ({ ...f, audience: pseudonym(f.audience) } as Fact);
  if (f.type === 'IncidentDetected' || f.type === 'IncidentSubjectsNotified') return { ...f, subjects: f.subjects.map(pseudonym) } as Fact;
  return 'subject' in f ? ({ ...f, subject: pseudonym(f.subject) } as Fact) : f;
};

export interface SealingKey {
  readonly key: DataKey;
  /** tagKeyOf(key.key), derived once per key. */
  readonly tagKey: Uint8Array;
  /** Tags already computed under this key (actors and recipients repeat): dropped with the key. */
  readonly tags?: Map<string, string>;
  /**
   * Tokens (the subject's pseudonym, tags) whose clear value is already in a box recorded in the
   * subject's stream under this key: a later fact of that stream carries the token alone.
   */
  readonly boxed?: Set<string>;
}

const TAG_CACHE = 256;
const tagWith = (key: SealingKey, value: string): string => {
  const known = key.tags?.get(value);
  if (known !== undefined) return known;
  const tag = tagOf(key.tagKey, value);
  if (key.tags !== undefined && key.tags.size < TAG_CACHE) key.tags.set(value, tag);
  return tag;
};

/** A fact as its envelope will carry it, and the canonical text of what its box is to hold, before the box is sealed. */
export interface SealPlan {
  readonly fact: Fact;
  /** The personal fields to be sealed under the sealing subject's key; absent when there are none left to hide. */
  readonly hidden?: string;
  /** The tokens whose clear values the box holds (what `boxed` may learn once the fact is recorded). */
  readonly tokens?: readonly string[];
}

/**
 * Pseudonymises and tags a fact of one subject: `pseudonym` maps every subject id, `key` is the
 * sealing subject's. With `boxed` (the fact goes to the subject's own stream), a field whose
 * tokens are all in it stays out of the box: its value is already sealed earlier in that stream.
 */
export const planSeal = (fact: Fact, pseudonym: (subject: string) => string, key: SealingKey | undefined, boxed?: { has(token: string): boolean }): SealPlan => {
  const stored = pseudonymised(fact, pseudonym) as Record<string, unknown>;
  const owner = sealingSubjectOf(fact);
  if (owner === undefined || key === undefined || fact.type === 'SubjectErased') return { fact: stored as Fact };
  const original = fact as Record<string, unknown>;
  const hidden: Record<string, unknown> = {};
  const tokens: string[] = [];
  const hide = (field: string, value: unknown, fieldTokens: readonly string[]): void => {
    if (boxed !== undefined && fieldTokens.every((t) => boxed.has(t))) return;
    hidden[field] = value;
    tokens.push(...fieldTokens);
  };
  const ownerField = fact.type === 'PolicyNoticeSent' ? 'audience' : 'subject';
  hide(ownerField, owner, [stored[ownerField] as string]);
  for (const field of TAGGED[fact.type] ?? []) {
    const v = original[field];
    if (v === undefined) continue;
    const tagged = Array.isArray(v) ? v.map((x: string) => tagWith(key, x)) : tagWith(key, v as string);
    stored[field] = tagged;
    hide(field, v, Array.isArray(tagged) ? tagged : [tagged]);
  }
  return tokens.length === 0 ? { fact: stored as Fact } : { fact: stored as Fact, hidden: canonicalize(hidden), tokens };
};

/** The original fact, from its sealed form and box; undefined when the box does not open under `key`. */
export const unsealFact = (stored: Fact, sealed: SealedBox, key: DataKey, eventId: string): Fact | undefined => {
  const plain = openText(key, sealed, eventId);
  if (plain === undefined) return undefined;
  try {
    const hidden = JSON.parse(plain) as Record<string, unknown>;
    return { ...stored, ...hidden } as Fact;
  } catch {
    return undefined;
  }
};
