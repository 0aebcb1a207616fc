import type { Fact } from '../domain/facts.js';
import type { DataKey } from '../store/key-store.js';
import { canonicalize } from './canonical.js';
import { openText, sealText, tagOf, type SealedBox } from './data-seal.js';

/**
 * Which fields of a fact identify or describe a person, and what stands in their place in the
 * envelope (README, "Erasure: what is sealed"): the subject id becomes its pseudonym, free text
 * about the subject becomes a tag under the subject's key, and the originals go into one box
 * under that key. Categories, purposes, reasons, sources, channels, times, ids and fact types
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

export interface SealedFact {
  /** What the envelope carries as its fact: pseudonyms and tags, judged as is. */
  readonly fact: Fact;
  /** The original personal fields, under the subject's key; absent when the fact has none to hide. */
  readonly sealed?: SealedBox;
}

export interface SealingKey {
  readonly key: DataKey;
  /** tagKeyOf(key.key), derived once per key. */
  readonly tagKey: Uint8Array;
  /** Tags already computed under this key (actors and recipients repeat): dropped with the key. */
  readonly tags?: Map<string, string>;
}

const TAG_CACHE = 256;
const tagWith = (key: SealingKey, value: string): string => {
  const known = key.tags?.get(value);
  if (known !== undefined) return known;
  const tag = tagOf(key.tagKey, value);
  if (key.tags !== undefined && key.tags.size < TAG_CACHE) key.tags.set(value, tag);
  return tag;
};

/** Seals a fact of one subject: `pseudonym` maps every subject id, `key` is the sealing subject's; bound to the envelope id. */
export const sealFact = (fact: Fact, pseudonym: (subject: string) => string, key: SealingKey | undefined, eventId: string): SealedFact => {
  const stored = pseudonymised(fact, pseudonym) as Record<string, unknown>;
  const owner = sealingSubjectOf(fact);
  if (owner === undefined || key === undefined || fact.type === 'SubjectErased') return { fact: stored as Fact };
  const original = fact as Record<string, unknown>;
  const hidden: Record<string, unknown> = fact.type === 'PolicyNoticeSent' ? { audience: owner } : { subject: owner };
  for (const field of TAGGED[fact.type] ?? []) {
    const v = original[field];
    if (v === undefined) continue;
    hidden[field] = v;
    stored[field] = Array.isArray(v) ? v.map((x: string) => tagWith(key, x)) : tagWith(key, v as string);
  }
  return { fact: stored as Fact, sealed: sealText(key.key, canonicalize(hidden), eventId) };
};

/** Tags `values` as sealFact would under `key`: for comparing a value to what a sealed fact holds. */
export const tagsOf = (key: SealingKey, values: readonly string[]): string[] => values.map((v) => tagWith(key, v));

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
