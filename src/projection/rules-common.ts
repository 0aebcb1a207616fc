import { coveredByAny } from '../domain/categories.js';
import type { ViolationCode } from './compliance-types.js';
import { type CollectionRecord, type ConsentRecord, type Ref, type SubjectState } from './compliance-state.js';

/** A broken rule before it is pinned to an event id. */
export interface Problem {
  readonly code: ViolationCode;
  readonly message: string;
  readonly evidence: readonly string[];
}

/** What the rules decide about one fact. No problems means `ok`. */
export interface Judgement {
  readonly basis?: string;
  readonly proof: readonly Ref[];
  readonly problems: readonly Problem[];
}

export const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

export const pushRef = (xs: Ref[], r: Ref): void => {
  if (!xs.includes(r)) xs.push(r);
};

const MAX_EVIDENCE = 20;
export const idsOf = (refs: readonly Ref[]): string[] => refs.slice(0, MAX_EVIDENCE).map((r) => r.eventId);

/** A fact touching a subject's data after the subject asked for erasure. */
export const erasureProblem = (s: SubjectState | undefined, subject: string, atMs: number, doing: string): Problem | undefined => {
  const req = s?.erasure ?? s?.erased;
  if (req === undefined || req.atMs > atMs) return undefined;
  return {
    code: 'USE_AFTER_ERASURE',
    message: `${doing} data of subject ${subject} after the subject requested erasure (${req.at}).`,
    evidence: [req.eventId],
  };
};

/** Whether a collection was recorded before a fact dated `atMs` and not dated after it. */
const usable = (col: CollectionRecord, atMs: number): boolean => col.ref.atMs <= atMs;

/** The first earlier collection covering `category`, if any. */
export const coveringCollection = (s: SubjectState | undefined, category: string, atMs: number): CollectionRecord | undefined => {
  if (s === undefined) return undefined;
  for (const col of s.collections) if (usable(col, atMs) && coveredByAny(col.categories, category)) return col;
  return undefined;
};

/** Per category, the first collection that covers it; and the categories nothing covers. */
export const coverage = (
  s: SubjectState | undefined,
  categories: readonly string[],
  atMs: number,
): { readonly covering: Ref[]; readonly missing: string[] } => {
  const covering: Ref[] = [];
  const missing: string[] = [];
  for (const c of categories) {
    const col = coveringCollection(s, c, atMs);
    if (col === undefined) missing.push(c);
    else pushRef(covering, col.ref);
  }
  return { covering, missing };
};

export const missingCollectionProblem = (
  s: SubjectState | undefined,
  subject: string,
  missing: readonly string[],
  doing: string,
): Problem => ({
  code: 'USE_WITHOUT_COLLECTION',
  message:
    `${doing} ${missing.join(', ')} of subject ${subject}, but no earlier DataCollected for that subject covers ` +
    `${missing.length === 1 ? 'it' : 'them'}.`,
  evidence: s === undefined ? [] : idsOf(s.collections.map((c) => c.ref)),
});

/** Where a subject's consent for one purpose stands for a fact dated `atMs`, from the folded timeline. */
export interface ConsentPosition {
  /** The latest grant naming the purpose with no withdrawal after it. */
  readonly grant?: ConsentRecord;
  /** The withdrawal in force (no grant after it). */
  readonly withdrawal?: ConsentRecord;
  /** The grant a withdrawal ended. */
  readonly ended?: ConsentRecord;
  /** A withdrawal that `grant` later restored. */
  readonly restoredAfter?: ConsentRecord;
}

const NOTHING: ConsentPosition = Object.freeze({});

export const consentPosition = (s: SubjectState | undefined, purpose: string, atMs: number): ConsentPosition => {
  if (s === undefined || s.consents.length === 0) return NOTHING;
  const cs = s.consents;
  let grant: ConsentRecord | undefined;
  let withdrawal: ConsentRecord | undefined;
  for (let i = cs.length - 1; i >= 0; i--) {
    const e = cs[i]!;
    if (e.ref.atMs > atMs || !e.purposes.includes(purpose)) continue;
    if (e.kind === 'granted') {
      if (withdrawal !== undefined) return { withdrawal, ended: e };
      grant ??= e;
    } else if (grant !== undefined) {
      return { grant, restoredAfter: e };
    } else {
      withdrawal ??= e;
    }
  }
  if (withdrawal !== undefined) return { withdrawal };
  return grant === undefined ? NOTHING : { grant };
};

export const withdrawnProblem = (subject: string, purpose: string, pos: ConsentPosition, doing: string): Problem => ({
  code: 'CONSENT_WITHDRAWN',
  message:
    `${doing} data of subject ${subject} for "${purpose}" after the subject withdrew consent for it ` +
    `(${pos.withdrawal!.ref.at}); no later consent restored it, and a withdrawal ends every basis for that purpose.`,
  evidence: pos.ended === undefined ? [pos.withdrawal!.ref.eventId] : [pos.withdrawal!.ref.eventId, pos.ended.ref.eventId],
});
