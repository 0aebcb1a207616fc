/**
 * Given/when/then for the compliance view, in the Emmett style:
 *
 *   given(collected, consent).when(used).thenOk({ basis: 'consent', proof: [collected.id, consent.id] })
 *
 * Facts are built with real codecs (a bad one throws here, not in the rule under test),
 * sealed into envelopes with UUID ids and a fake SHA-256 hash, and folded in order.
 */
import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { decodeFact, type Fact } from '../../src/domain/facts.js';
import { policyPublished, seedPolicy, type Policy } from '../../src/domain/policy.js';
import { streamOf } from '../../src/domain/streams.js';
import { ENVELOPE_FORMAT, GENESIS, type Envelope } from '../../src/seal/envelope-types.js';
import {
  applyCompliance,
  checkFact,
  complianceReport,
  initialComplianceState,
  type CheckResult,
  type ComplianceOptions,
  type ComplianceReport,
  type ComplianceState,
  type Verdict,
  type Violation,
  type ViolationCode,
} from '../../src/projection/index.js';

// ---- time -----------------------------------------------------------------------------

export const BASE = Date.parse('2026-03-01T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** An instant `days` (and `hours`) after 2026-03-01T00:00:00Z. */
export const t = (days: number, hours = 0): string => new Date(BASE + days * DAY + hours * HOUR).toISOString();

// Facts built without an explicit `at` happen one minute apart, in the order they are built.
let clock = BASE;
const next = (): string => new Date((clock += 60_000)).toISOString();

// ---- facts ----------------------------------------------------------------------------

/** A fact through its codec, with an id so other facts (and assertions) can point at it. */
export const fact = <F extends Fact>(input: { type: Fact['type']; at?: string; id?: string; [field: string]: unknown }): F & { id: string } => {
  const decoded = decodeFact({ id: randomUUID(), at: next(), ...input });
  if (E.isLeft(decoded)) throw new Error(`test fact is invalid: ${JSON.stringify(decoded.left)}`);
  return decoded.right as F & { id: string };
};

type Opt<T> = Partial<T> & { at?: string };
type F<K extends Fact['type']> = Extract<Fact, { type: K }> & { id: string };

export const S1 = 'subj-1';

export const published = (policy: Partial<Policy> & { version: string }, at?: string): F<'PolicyPublished'> => {
  const p = { ...seedPolicy, ...policy };
  return fact({ ...policyPublished(p), at: at ?? next() });
};
export const policyNotice = (o: Opt<{ version: string; audience: string; channel: string }>): F<'PolicyNoticeSent'> =>
  fact({ type: 'PolicyNoticeSent', version: 'v2', audience: 'all', channel: 'email', ...o });
export const collected = (o: Opt<{ subject: string; categories: string[]; purposes: string[]; source: string; policyVersion: string }> = {}): F<'DataCollected'> =>
  fact({
    type: 'DataCollected',
    subject: S1,
    categories: ['user.contact'],
    purposes: ['provide-service'],
    source: 'proactive-submission',
    policyVersion: 'seed-1',
    actor: 'signup-service',
    ...o,
  });
export const assessed = (o: Opt<{ purpose: string; compatibleWith: string[]; compatible: boolean }>): F<'PurposeAssessed'> =>
  fact({ type: 'PurposeAssessed', purpose: 'fraud-prevention', compatibleWith: ['provide-service'], compatible: true, actor: 'dpo', ...o });
export const used = (o: Opt<{ subject: string; categories: string[]; purpose: string }> = {}): F<'DataUsed'> =>
  fact({ type: 'DataUsed', subject: S1, categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer', ...o });
export const consented = (o: Opt<{ subject: string; purposes: string[]; recipients: string[] }> = {}): F<'ConsentGranted'> =>
  fact({ type: 'ConsentGranted', subject: S1, purposes: ['personalization'], policyVersion: 'seed-1', method: 'settings-toggle', ...o });
export const withdrew = (o: Opt<{ subject: string; purposes: string[] }> = {}): F<'ConsentWithdrawn'> =>
  fact({ type: 'ConsentWithdrawn', subject: S1, purposes: ['personalization'], ...o });
export const disclosed = (
  o: Opt<{
    subject: string;
    categories: string[];
    recipient: string;
    reason: string;
    legalRef: string;
    consentRef: string;
    noticeDeferredUntil: string;
    deferralRef: string;
  }> = {},
): F<'DataDisclosed'> =>
  fact({
    type: 'DataDisclosed',
    subject: S1,
    categories: ['user.contact'],
    recipient: 'tax-office',
    reason: 'legal-obligation',
    actor: 'legal-team',
    ...o,
  });
export const notified = (o: Opt<{ subject: string; about: string; channel: string }> & { about: string }): F<'SubjectNotified'> =>
  fact({ type: 'SubjectNotified', subject: S1, channel: 'email', ...o });
export const granted = (o: Opt<{ staff: string; categories: string[]; purposes: string[]; confidentialityRef: string; until: string }> = {}): F<'AccessGranted'> =>
  fact({
    type: 'AccessGranted',
    staff: 'staff-7',
    categories: ['user.contact'],
    purposes: ['customer-support'],
    confidentialityRef: 'NDA-2026-007',
    actor: 'security-office',
    ...o,
  });
export const revoked = (o: Opt<{ staff: string }> = {}): F<'AccessRevoked'> =>
  fact({ type: 'AccessRevoked', staff: 'staff-7', actor: 'security-office', ...o });
export const accessed = (o: Opt<{ staff: string; subject: string; categories: string[]; purpose: string }> = {}): F<'PersonnelAccessed'> =>
  fact({ type: 'PersonnelAccessed', staff: 'staff-7', subject: S1, categories: ['user.contact.email'], purpose: 'customer-support', ...o });
export const detected = (o: Opt<{ incident: string; categories: string[]; subjects: string[]; severity: string }> = {}): F<'IncidentDetected'> =>
  fact({ type: 'IncidentDetected', incident: 'inc-1', categories: ['user.contact'], subjects: [S1, 'subj-2'], severity: 'high', ...o });
export const reported = (o: Opt<{ incident: string; authority: string }> = {}): F<'IncidentReported'> =>
  fact({ type: 'IncidentReported', incident: 'inc-1', authority: 'national-cert', ...o });
export const incidentNotified = (o: Opt<{ incident: string; channel: string; subjects: string[] }> = {}): F<'IncidentSubjectsNotified'> =>
  fact({ type: 'IncidentSubjectsNotified', incident: 'inc-1', channel: 'email', subjects: [S1, 'subj-2'], ...o });
export const erasureRequested = (o: Opt<{ subject: string }> = {}): F<'ErasureRequested'> =>
  fact({ type: 'ErasureRequested', subject: S1, ...o });

// ---- sealing --------------------------------------------------------------------------

const revisions = new Map<string, number>();

/** An envelope as the ledger would write it, less the signature: projections never check it. */
export const sealed = (f: Fact): Envelope => {
  const id = f.id ?? randomUUID();
  const stream = streamOf(f);
  const revision = revisions.get(stream) ?? 0;
  revisions.set(stream, revision + 1);
  return {
    v: ENVELOPE_FORMAT,
    ledger: 'test.local/given',
    id,
    stream,
    revision,
    recordedAt: f.at,
    prev: GENESIS,
    keyId: 'test-key',
    fact: f,
    hash: createHash('sha256').update(`${id}:${JSON.stringify(f)}`).digest('hex'),
  };
};

export const fold = (facts: readonly Fact[], options: Partial<ComplianceOptions> = {}): ComplianceState => {
  let state = initialComplianceState(options);
  for (const f of facts) state = applyCompliance(state, sealed(f));
  return state;
};

// ---- given / when / then --------------------------------------------------------------

export interface Outcome {
  readonly event: Envelope;
  /** The verdict the view keeps for the `when` fact (a use, access or disclosure). */
  readonly verdict: Verdict | undefined;
  /** Violations raised on the `when` fact at the evaluation time. */
  readonly violations: readonly Violation[];
  readonly report: ComplianceReport;
  readonly state: ComplianceState;
  /** `checkFact` of the `when` fact against the `given` facts alone. */
  readonly check: CheckResult;
}

const DEADLINE_CODES: readonly ViolationCode[] = ['DISCLOSURE_NOT_NOTIFIED', 'INCIDENT_NOT_REPORTED', 'INCIDENT_SUBJECTS_NOT_NOTIFIED', 'POLICY_CHANGE_NOT_NOTIFIED', 'ERASURE_OVERDUE', 'RETENTION_EXCEEDED'];

const verdictOf = (report: ComplianceReport, id: string): Verdict | undefined =>
  [...report.uses, ...report.accesses, ...report.disclosures].find((v) => v.eventId === id || ('lastEventId' in v && v.lastEventId === id));

class When {
  private later: Fact[] = [];
  private evalAt: string | undefined;
  constructor(
    private readonly givenFacts: readonly Fact[],
    private readonly whenFact: Fact,
    private readonly options: Partial<ComplianceOptions>,
  ) {}

  /** Facts recorded after the `when` fact (a notice, a report). */
  followedBy(...facts: Fact[]): this {
    this.later.push(...facts);
    return this;
  }

  /** The evaluation time of deadline rules; default: the latest fact's time. */
  evaluatedAt(at: string): this {
    this.evalAt = at;
    return this;
  }

  outcome(): Outcome {
    const before = fold(this.givenFacts, this.options);
    const at = this.evalAt ?? [...this.givenFacts, this.whenFact, ...this.later].map((f) => f.at).sort().at(-1)!;
    const check = checkFact(before, this.whenFact, at);
    let state = before;
    const event = sealed(this.whenFact);
    state = applyCompliance(state, event);
    for (const f of this.later) state = applyCompliance(state, sealed(f));
    const report = complianceReport(state, at);
    return { event, verdict: verdictOf(report, event.id), violations: report.violations.filter((v) => v.eventId === event.id), report, state, check };
  }

  then(expectation: (o: Outcome) => void): Outcome {
    const o = this.outcome();
    expectation(o);
    return o;
  }

  /** No violation on the `when` fact; with a basis and exactly these proof ids when given. */
  thenOk(expected: { basis?: string; proof?: readonly string[] } = {}): Outcome {
    return this.then((o) => {
      expect(o.violations).toEqual([]);
      if (o.verdict !== undefined) {
        expect(o.verdict.verdict).toBe('ok');
        if (expected.basis !== undefined) expect(o.verdict.basis).toBe(expected.basis);
        if (expected.proof !== undefined) expect(o.verdict.proof.map((p) => p.eventId).sort()).toEqual([...expected.proof].sort());
        for (const p of o.verdict.proof) expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
      }
      agreesWithCheck(o, this.later.length > 0);
    });
  }

  /** A violation `code` on the `when` fact, with exactly this evidence when given. */
  thenViolates(code: ViolationCode, expected: { evidence?: readonly string[]; message?: RegExp } = {}): Outcome {
    return this.then((o) => {
      const v = o.violations.find((x) => x.code === code);
      expect(v, `expected ${code} among ${JSON.stringify(o.violations.map((x) => x.code))}`).toBeDefined();
      if (expected.evidence !== undefined) expect([...v!.evidence].sort()).toEqual([...expected.evidence].sort());
      if (expected.message !== undefined) expect(v!.message).toMatch(expected.message);
      if (o.verdict !== undefined) {
        expect(o.verdict.verdict).toBe('violation');
        expect(o.verdict.codes).toContain(code);
      }
      agreesWithCheck(o, this.later.length > 0);
    });
  }

  /** No violation `code` on the `when` fact (the close case). */
  thenNot(code: ViolationCode): Outcome {
    return this.then((o) => {
      expect(o.violations.map((v) => v.code)).not.toContain(code);
      agreesWithCheck(o, this.later.length > 0);
    });
  }
}

/** `checkFact` before the fact must announce what the fold then decides (deadline rules aside when later facts exist). */
const agreesWithCheck = (o: Outcome, laterFacts: boolean): void => {
  const relevant = (codes: readonly string[]) => [...codes].filter((c) => !laterFacts || !DEADLINE_CODES.includes(c as ViolationCode)).sort();
  expect(relevant(o.check.violations.map((v) => v.code))).toEqual(relevant(o.violations.map((v) => v.code)));
  if (o.verdict !== undefined && o.violations.length === 0 && !laterFacts) {
    expect(o.check.basis).toBe(o.verdict.basis);
  }
};

export const given = (...facts: Fact[]) => ({
  when: (f: Fact, options: Partial<ComplianceOptions> = {}) => new When(facts, f, options),
});

export { seedPolicy };
