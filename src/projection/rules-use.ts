import { coveredByAny } from '../domain/categories.js';
import type { DataUsed } from '../domain/facts.js';
import type { Policy } from '../domain/policy.js';
import type { UseBasis } from './compliance-types.js';
import {
  policyRecordAt,
  type CollectionRecord,
  type ComplianceState,
  type Ref,
  type SubjectState,
} from './compliance-state.js';
import {
  consentPosition,
  erasureProblem,
  idsOf,
  missingCollectionProblem,
  NO_PROBLEMS,
  pushRef,
  withdrawnProblem,
  type ConsentPosition,
  type Judgement,
  type Problem,
} from './rules-common.js';

type UseFacts = Pick<DataUsed, 'subject' | 'categories' | 'purpose'>;

const BASES: readonly UseBasis[] = ['collection-purpose', 'assessed-compatible', 'consent'];

/** What one category of a use rests on: rank into BASES, or -1 when nothing justifies it. */
interface CategoryFinding {
  readonly rank: number;
  readonly covering?: CollectionRecord;
}

const compatibleAssessment = (state: ComplianceState, purpose: string, col: CollectionRecord, atMs: number): Ref | undefined => {
  const byPurpose = state.assessments.get(purpose);
  if (byPurpose === undefined) return undefined;
  for (const p of col.purposes) {
    const a = byPurpose.get(p);
    if (a !== undefined && a.compatible && a.ref.atMs <= atMs) return a.ref;
  }
  return undefined;
};

/**
 * The basis of one category, in order: a covering collection made for the purpose; for a
 * purpose outside the policy, a compatible assessment against a collection purpose; a
 * consent (for a purpose outside the policy, given after the covering collection).
 */
const judgeCategory = (
  state: ComplianceState,
  s: SubjectState,
  category: string,
  purpose: string,
  inPolicy: boolean,
  consent: ConsentPosition,
  atMs: number,
  proof: Ref[],
): CategoryFinding => {
  let covering: CollectionRecord | undefined;
  for (const col of s.collections) {
    if (col.ref.atMs > atMs || !coveredByAny(col.categories, category)) continue;
    covering ??= col;
    if (col.purposes.includes(purpose)) {
      pushRef(proof, col.ref);
      return { rank: 0, covering: col };
    }
  }
  if (covering === undefined || consent.withdrawal !== undefined) return { rank: -1, covering };
  if (!inPolicy) {
    for (const col of s.collections) {
      if (col.ref.atMs > atMs || !coveredByAny(col.categories, category)) continue;
      const a = compatibleAssessment(state, purpose, col, atMs);
      if (a !== undefined) {
        pushRef(proof, col.ref);
        pushRef(proof, a);
        return { rank: 1, covering: col };
      }
    }
  }
  const grant = consent.grant;
  if (grant === undefined) return { rank: -1, covering };
  if (inPolicy) {
    pushRef(proof, covering.ref);
    pushRef(proof, grant.ref);
    return { rank: 2, covering };
  }
  // A purpose outside the policy needs a consent given after the data was collected.
  for (const col of s.collections) {
    if (col.ref.atMs > atMs || col.ref.seq > grant.ref.seq || col.ref.atMs > grant.ref.atMs) continue;
    if (!coveredByAny(col.categories, category)) continue;
    pushRef(proof, col.ref);
    pushRef(proof, grant.ref);
    return { rank: 2, covering: col };
  }
  return { rank: -1, covering };
};

/** Judge a DataUsed dated `atMs` against everything folded so far. Pure. */
export const judgeUse = (state: ComplianceState, use: UseFacts, atMs: number): Judgement => {
  const s = state.subjects.get(use.subject);
  const policyRec = policyRecordAt(state, atMs);
  const policy = policyRec?.policy ?? state.options.defaultPolicy;
  const inPolicy = policy.purposes.includes(use.purpose);
  const consent = consentPosition(s, use.purpose, atMs);
  let problems: Problem[] | undefined;
  const erased = erasureProblem(s, use.subject, atMs, 'Used');
  if (erased !== undefined) (problems ??= []).push(erased);

  const proof: Ref[] = [];
  let rank = 0;
  let missing: string[] | undefined;
  let unjustified: { category: string; covering: CollectionRecord }[] | undefined;
  for (const c of use.categories) {
    const found = s === undefined ? { rank: -1 } : judgeCategory(state, s, c, use.purpose, inPolicy, consent, atMs, proof);
    if (found.covering === undefined) (missing ??= []).push(c);
    else if (found.rank < 0) (unjustified ??= []).push({ category: c, covering: found.covering });
    else if (found.rank > rank) rank = found.rank;
  }
  if (missing !== undefined) (problems ??= []).push(missingCollectionProblem(s, use.subject, missing, 'Used'));
  if (consent.withdrawal !== undefined) (problems ??= []).push(withdrawnProblem(use.subject, use.purpose, consent, 'Used'));
  else if (unjustified !== undefined) (problems ??= []).push(noBasisProblem(state, use, policy, inPolicy, consent, unjustified));

  if (problems !== undefined) return { proof: [], problems };
  if (consent.restoredAfter !== undefined && consent.grant !== undefined) pushRef(proof, consent.grant.ref);
  if (policyRec !== undefined) pushRef(proof, policyRec.ref);
  return { basis: BASES[rank], proof, problems: NO_PROBLEMS };
};

const noBasisProblem = (
  state: ComplianceState,
  use: UseFacts,
  policy: Policy,
  inPolicy: boolean,
  consent: ConsentPosition,
  unjustified: readonly { category: string; covering: CollectionRecord }[],
): Problem => {
  const cats = unjustified.map((u) => u.category).join(', ');
  const collectedFor = [...new Set(unjustified.flatMap((u) => u.covering.purposes))].map((p) => `"${p}"`).join(', ');
  const evidence = unjustified.map((u) => u.covering.ref);
  if (inPolicy) {
    return {
      code: 'PURPOSE_NOT_DECLARED',
      message:
        `Used ${cats} of subject ${use.subject} for "${use.purpose}", a purpose of policy ${policy.version}, but the data ` +
        `was collected only for ${collectedFor} and no consent covers "${use.purpose}".`,
      evidence: idsOf(evidence),
    };
  }
  for (const a of state.assessments.get(use.purpose)?.values() ?? []) pushRef(evidence, a.ref);
  if (consent.grant !== undefined) pushRef(evidence, consent.grant.ref);
  const early = consent.grant === undefined ? '' : ` The consent of ${consent.grant.ref.at} came before the collection.`;
  return {
    code: 'RECONSENT_REQUIRED',
    message:
      `Used ${cats} of subject ${use.subject} for "${use.purpose}", which is not a purpose of policy ${policy.version} ` +
      `(an other related scenario): no PurposeAssessed found it compatible with ${collectedFor}, and no consent was ` +
      `given for it after the collection.${early}`,
    evidence: idsOf(evidence),
  };
};
