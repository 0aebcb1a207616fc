/**
 * The hot half of the compliance fold: collections, uses and personnel accesses, which
 * are most of any ledger. Lawful uses are grouped and their judgements memoized, so a
 * repeated use costs a few lookups and a counter.
 */
import type { DataCollected, DataUsed, PersonnelAccessed } from '../domain/facts.js';
import type { Envelope } from '../seal/envelope-types.js';
import type { PurposeCounts, UseBasis } from './compliance-types.js';
import {
  policyRecordAt,
  refOf,
  subjectState,
  touchSubject,
  USE_MEMOS,
  type ComplianceState,
  type VerdictRecord,
  type PolicyRecord,
  type Ref,
  type SubjectState,
} from './compliance-state.js';
import type { Judgement, Problem } from './rules-common.js';
import { judgeAccess } from './rules-security.js';
import { judgeUse } from './rules-use.js';

export const recordProblems = (
  state: ComplianceState,
  s: SubjectState | undefined,
  id: string,
  at: string,
  subject: string | undefined,
  problems: readonly Problem[],
): void => {
  for (const p of problems) {
    const i = state.violations.push({
      code: p.code,
      eventId: id,
      ...(subject === undefined ? {} : { subject }),
      message: p.message,
      evidence: p.evidence,
      at,
    });
    s?.violations.push(i - 1);
  }
};

const purposeCounts = (state: ComplianceState, purpose: string): PurposeCounts => {
  let c = state.byPurpose.get(purpose);
  if (c === undefined) {
    c = { uses: 0, ok: 0, violations: 0, byBasis: { 'collection-purpose': 0, 'assessed-compatible': 0, consent: 0 } };
    state.byPurpose.set(purpose, c);
  }
  return c;
};

const sameProof = (a: readonly Ref[], b: readonly Ref[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.seq !== b[i]!.seq) return false;
  return true;
};

/** Count one more lawful event into a kept group. */
const joinGroup = (g: VerdictRecord, id: string, at: string, categories: readonly string[]): void => {
  g.count++;
  g.lastEventId = id;
  g.lastAt = at;
  for (const c of categories) if (!g.categories.includes(c)) g.categories.push(c);
};

const kept = (
  id: string,
  at: string,
  subject: string | undefined,
  staff: string | undefined,
  purpose: string,
  categories: readonly string[],
  j: Judgement,
): VerdictRecord => ({
  eventId: id,
  at,
  subject,
  staff,
  purpose,
  categories: [...categories],
  basis: j.basis as UseBasis | undefined,
  proof: j.proof,
  codes: j.problems.length === 0 ? undefined : j.problems.map((p) => p.code),
  count: 1,
  lastEventId: undefined,
  lastAt: undefined,
});

/**
 * The last judgement of a subject's use for one purpose and set of categories, reused
 * while nothing it rests on has changed: most uses repeat an earlier one. Memos live
 * under a symbol on the subject, so snapshots skip them; they are dropped whenever the
 * subject's or the global rule inputs change.
 */
interface UseMemo {
  readonly purpose: string;
  readonly categories: readonly string[];
  readonly policy: PolicyRecord | undefined;
  readonly judgement: Judgement;
  readonly counts: PurposeCounts;
  /** The group its lawful uses join (which already holds its categories). */
  group: VerdictRecord | undefined;
}
interface UseMemos {
  readonly version: number;
  readonly rulesVersion: number;
  readonly list: UseMemo[];
}
type Memoized = SubjectState & { [USE_MEMOS]?: UseMemos };
const MAX_MEMOS = 16;

/**
 * A memo fits a use when it was made under the current versions of the subject's and the
 * global rule inputs, every one of them is dated no later than the use (so none is
 * filtered out by time either way), the same policy is in force, and the purpose and
 * categories are the same.
 */
const memoFor = (state: ComplianceState, s: Memoized, f: DataUsed, atMs: number): UseMemo | undefined => {
  const memos = s[USE_MEMOS];
  if (memos === undefined || memos.version !== s.version || memos.rulesVersion !== state.rulesVersion) return undefined;
  if (s.maxAtMs > atMs || state.rulesMaxAtMs > atMs) return undefined;
  const list = memos.list;
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!;
    if (m.purpose !== f.purpose || !sameStrings(m.categories, f.categories)) continue;
    // Move a hit one place up, so the subject's usual uses are found first.
    if (i > 0) {
      list[i] = list[i - 1]!;
      list[i - 1] = m;
    }
    return policyRecordAt(state, atMs) === m.policy ? m : undefined;
  }
  return undefined;
};

const remember = (state: ComplianceState, s: Memoized, f: DataUsed, atMs: number, judgement: Judgement): UseMemo | undefined => {
  // Only a judgement that saw every input (none dated after the use) may stand for later uses.
  if (s.maxAtMs > atMs || state.rulesMaxAtMs > atMs) return undefined;
  const m: UseMemo = {
    purpose: f.purpose,
    categories: f.categories,
    policy: policyRecordAt(state, atMs),
    judgement,
    counts: purposeCounts(state, f.purpose),
    group: undefined,
  };
  let memos = s[USE_MEMOS];
  if (memos === undefined || memos.version !== s.version || memos.rulesVersion !== state.rulesVersion) {
    s[USE_MEMOS] = memos = { version: s.version, rulesVersion: state.rulesVersion, list: [] };
  }
  const list = memos.list;
  const same = list.findIndex((x) => x.purpose === m.purpose && sameStrings(x.categories, m.categories));
  if (same >= 0) list[same] = m;
  else if (list.length < MAX_MEMOS) list.push(m);
  else list[list.length - 1] = m;
  return m;
};

export const onDataUsed = (state: ComplianceState, e: Envelope, f: DataUsed, atMs: number): void => {
  const s: Memoized = subjectState(state, f.subject);
  let memo = memoFor(state, s, f, atMs);
  const j = memo?.judgement ?? judgeUse(state, f, atMs);
  if (memo === undefined) memo = remember(state, s, f, atMs, j);
  const pc = memo?.counts ?? purposeCounts(state, f.purpose);
  state.counts.uses++;
  pc.uses++;
  const ok = j.problems.length === 0;
  if (ok) {
    state.counts.usesOk++;
    pc.ok++;
    pc.byBasis[j.basis as UseBasis]++;
  } else {
    pc.violations++;
    recordProblems(state, s, e.id, f.at, f.subject, j.problems);
  }
  if (ok && !state.options.keepEveryVerdict) {
    const known = memo?.group;
    if (known !== undefined) {
      known.count++;
      known.lastEventId = e.id;
      known.lastAt = f.at;
      return;
    }
    // Lawful uses with the same purpose, basis and proof share one entry.
    let group = s.useGroups.get(f.purpose);
    if (group === undefined) s.useGroups.set(f.purpose, (group = []));
    for (const i of group) {
      const g = state.useLog[i]!;
      if (g.basis === j.basis && sameProof(g.proof, j.proof)) {
        if (memo !== undefined) memo.group = g;
        return joinGroup(g, e.id, f.at, f.categories);
      }
    }
    group.push(state.useLog.length);
  }
  const entry = kept(e.id, f.at, f.subject, undefined, f.purpose, f.categories, j);
  if (ok && memo !== undefined && !state.options.keepEveryVerdict) memo.group = entry;
  s.uses.push(state.useLog.length);
  state.useLog.push(entry);
};

export const onPersonnelAccessed = (state: ComplianceState, e: Envelope, f: PersonnelAccessed, atMs: number): void => {
  const j = judgeAccess(state, f, atMs);
  const s = subjectState(state, f.subject);
  state.counts.accesses++;
  s.accessCount++;
  const ok = j.problems.length === 0;
  if (ok) state.counts.accessesOk++;
  else recordProblems(state, s, e.id, f.at, f.subject, j.problems);
  if (ok && !state.options.keepEveryVerdict) {
    // Lawful accesses group by grant and purpose across subjects: memory grows with staff, not with accesses.
    const grant = j.proof[0]!.seq;
    let byPurpose = state.accessGroups.get(grant);
    if (byPurpose === undefined) state.accessGroups.set(grant, (byPurpose = new Map()));
    const i = byPurpose.get(f.purpose);
    if (i !== undefined) return joinGroup(state.accessLog[i]!, e.id, f.at, f.categories);
    byPurpose.set(f.purpose, state.accessLog.length);
    state.accessLog.push(kept(e.id, f.at, undefined, f.staff, f.purpose, f.categories, j));
    return;
  }
  s.accesses.push(state.accessLog.length);
  state.accessLog.push(kept(e.id, f.at, f.subject, f.staff, f.purpose, f.categories, j));
};

const sameStrings = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

export const onDataCollected = (state: ComplianceState, e: Envelope, f: DataCollected, seq: number, atMs: number): void => {
  const s = subjectState(state, f.subject);
  // Identical collections (a service record made every day) cite the first; only a count grows.
  for (const rec of s.collections) {
    if (rec.source === f.source && rec.policyVersion === f.policyVersion && sameStrings(rec.categories, f.categories) && sameStrings(rec.purposes, f.purposes)) {
      rec.count++;
      rec.lastEventId = e.id;
      rec.lastAt = f.at;
      return;
    }
  }
  touchSubject(s, atMs);
  s.collections.push({
    ref: refOf(e, seq, atMs),
    categories: f.categories,
    purposes: f.purposes,
    source: f.source,
    policyVersion: f.policyVersion,
    count: 1,
    lastEventId: undefined,
    lastAt: undefined,
  });
};

