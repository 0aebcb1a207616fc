/**
 * Folds 1,000,000 generated facts through the compliance view and times the queries on
 * the result. Run: `npm run bench:audit [-- --runs 5 --quick --json FILE]`.
 *
 * The workload is a service's life under the seed policy: thousands of subjects sign up
 * (collections, consents), then mostly use their data, re-record the same service data,
 * let support staff look at it, and now and then disclose it, with notices, incidents,
 * a material policy change, withdrawals and erasures, and a few planted violations.
 * Envelopes carry fake hashes: this measures folding, not sealing.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Fact } from '../src/domain/facts.js';
import { policyPublished, seedPolicy } from '../src/domain/policy.js';
import { streamOf } from '../src/domain/streams.js';
import { ENVELOPE_FORMAT, GENESIS, type Envelope } from '../src/seal/envelope-types.js';
import {
  applyCompliance,
  complianceReport,
  consentAt,
  initialComplianceState,
  subjectReport,
  type ComplianceOptions,
  type ComplianceState,
} from '../src/projection/index.js';
import { HARNESS_OPTIONS, harnessArgs, runAndReport } from './harness-cli.js';
import type { RunContext, Stopwatch, Variant } from './harness.js';

const TOTAL = 1_000_000;
const SMALL = 100_000;
const WARMUP = 300_000;
const CHUNK = 100_000;
const SUBJECTS = 5_000;
const STAFF = 40;
const START = Date.parse('2026-01-01T00:00:00Z');
const STEP_MS = 7_000; // a million facts span about 81 days

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** mulberry32: a small deterministic PRNG, so every run folds the same facts. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const idOf = (n: number) => `00000000-0000-7000-8000-${hex(n, 12)}`;
const subjectId = (i: number) => `user-${i}`;
const staffId = (i: number) => `staff-${i}`;

interface Profile {
  readonly personalization: boolean;
  readonly marketing: boolean;
  readonly partner: boolean;
}
const profiles: Profile[] = Array.from({ length: SUBJECTS }, (_, i) => {
  const r = prng(i + 1);
  return { personalization: r() < 0.6, marketing: r() < 0.3, partner: r() < 0.1 };
});

/** A fact before the generator gives it its time. */
type Draft = { readonly type: Fact['type']; readonly id?: string; readonly [field: string]: unknown };

const SERVICE_RECORD = {
  categories: ['user.device', 'user.activity'],
  purposes: ['provide-service', 'service-optimization'],
  source: 'service-record',
};

/** The facts of one subject's sign-up: what was collected and what they consented to. */
const onboarding = (i: number, ctx: Context): Draft[] => {
  const subject = subjectId(i);
  const p = profiles[i]!;
  const out: Draft[] = [
    {
      type: 'DataCollected',
      subject,
      categories: ['user.contact', 'user.profile'],
      purposes: ['provide-service', 'personalization'],
      source: 'proactive-submission',
      policyVersion: 'seed-1',
      actor: 'signup',
    },
    { type: 'DataCollected', subject, ...SERVICE_RECORD, policyVersion: 'seed-1', actor: 'app' },
  ];
  if (p.marketing) out.push({ type: 'ConsentGranted', subject, purposes: ['marketing-emails'], policyVersion: 'seed-1', method: 'checkbox' });
  if (p.partner) {
    const id = idOf(ctx.nextId());
    ctx.partnerConsent.set(i, id);
    out.push({ type: 'ConsentGranted', id, subject, purposes: ['partner-offers'], recipients: ['acme-insurance'], policyVersion: 'seed-1', method: 'form' });
  }
  return out;
};

const useOf = (subject: string, categories: string[], purpose: string): Draft => ({ type: 'DataUsed', subject, categories, purpose, actor: 'svc' });

/** What the generator remembers between facts. */
interface Context {
  readonly r: () => number;
  readonly nextId: () => number;
  readonly emitLater: (delay: number, f: Draft) => void;
  /** Subject index → id of their consent to share with the partner. */
  readonly partnerConsent: Map<number, string>;
  /** Subjects who asked for erasure, and who withdrew consent to personalization: the service mostly respects both. */
  readonly erased: Set<number>;
  readonly withdrawn: Set<number>;
}

/** Mostly a subject still served; one pick in a hundred ignores an erasure (USE_AFTER_ERASURE). */
const pickSubject = (ctx: Context): number => {
  let i = Math.floor(ctx.r() * SUBJECTS);
  if (ctx.r() < 0.01) return i;
  while (ctx.erased.has(i)) i = (i + 1) % SUBJECTS;
  return i;
};

/** One fact of everyday service life. */
const everyday = (ctx: Context): Draft => {
  const r = ctx.r;
  const i = pickSubject(ctx);
  const subject = subjectId(i);
  const p = profiles[i]!;
  const x = r();
  if (x < 0.34) return useOf(subject, ['user.contact.email', 'user.activity.sessions'], 'provide-service');
  if (x < 0.46) {
    // After a withdrawal the service stops personalizing, but for one slip in a hundred (CONSENT_WITHDRAWN).
    const purpose = ctx.withdrawn.has(i) && r() >= 0.01 ? 'provide-service' : 'personalization';
    return useOf(subject, ['user.profile.interests'], purpose);
  }
  if (x < 0.56) return useOf(subject, ['user.device.model'], 'service-optimization');
  if (x < 0.61) return useOf(subject, ['user.activity.logins'], 'fraud-prevention');
  if (x < 0.66) {
    // Marketing to those who agreed; one in fifty sends go to someone who did not (RECONSENT_REQUIRED).
    const j = p.marketing || r() < 0.02 ? i : profiles.findIndex((q, k) => k >= i && q.marketing);
    return useOf(subjectId(j < 0 ? i : j), ['user.contact.email'], 'marketing-emails');
  }
  if (x < 0.80) return { type: 'DataCollected', subject, ...SERVICE_RECORD, policyVersion: 'seed-1', actor: 'app' };
  if (x < 0.90) {
    // staff-0 lost their grant early on; their rare accesses are ACCESS_WITHOUT_GRANT.
    const staff = staffId(r() < 0.002 ? 0 : 1 + Math.floor(r() * (STAFF - 1)));
    return { type: 'PersonnelAccessed', staff, subject, categories: ['user.contact'], purpose: 'customer-support' };
  }
  if (x < 0.905) return disclosure(ctx, i);
  if (x < 0.9052) {
    ctx.withdrawn.add(i);
    return { type: 'ConsentWithdrawn', subject, purposes: ['personalization'] };
  }
  if (x < 0.9054) {
    ctx.withdrawn.delete(i);
    return { type: 'ConsentGranted', subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'settings' };
  }
  if (x < 0.90545) {
    ctx.erased.add(i);
    ctx.emitLater(300, { type: 'SubjectErased', subject });
    return { type: 'ErasureRequested', subject };
  }
  return useOf(subject, ['user.contact.phone'], 'provide-service');
};

const disclosure = (ctx: Context, i: number): Draft => {
  const { r, emitLater } = ctx;
  const subject = subjectId(i);
  const id = idOf(ctx.nextId());
  const consentRef = ctx.partnerConsent.get(i);
  const y = r();
  const base = { type: 'DataDisclosed' as const, id, subject, categories: ['user.contact'], actor: 'legal' };
  let d: Draft;
  if (y < 0.4) d = { ...base, recipient: 'tax-office', reason: 'legal-obligation' };
  else if (y < 0.6) d = { ...base, recipient: 'district-court', reason: 'court-order', ...(r() < 0.98 ? { legalRef: `case-${i}` } : {}) };
  else if (y < 0.75) d = { ...base, recipient: 'collections-agency', reason: 'agreement-enforcement' };
  else if (y < 0.9 && consentRef !== undefined) d = { ...base, recipient: 'acme-insurance', reason: 'user-authorization', consentRef };
  else if (y < 0.99) d = { ...base, recipient: 'regulator', reason: 'regulatory-compliance' };
  else d = { ...base, recipient: 'ad-network', reason: 'marketing-partnership' }; // not a lawful reason
  // Most are notified within hours; a few never are (DISCLOSURE_NOT_NOTIFIED once 30 days pass).
  if (r() < 0.97) emitLater(500, { type: 'SubjectNotified', subject, about: id, channel: 'email' });
  return d;
};

/** The workload: the same sequence for any length, so a short run is a prefix of a long one. */
export function* workload(total: number): Generator<Envelope> {
  const r = prng(42);
  let n = 0;
  let ids = 1_000_000_000;
  const nextId = () => ids++;
  const later: { due: number; fact: Draft }[] = [];
  const emitLater = (delay: number, fact: Draft) => later.push({ due: n + delay, fact });
  const ctx: Context = { r, nextId, emitLater, partnerConsent: new Map(), erased: new Set(), withdrawn: new Set() };
  const revisions = new Map<string, number>();
  const envelope = (partial: Draft): Envelope => {
    const at = new Date(START + n * STEP_MS).toISOString();
    const fact = { ...partial, at } as unknown as Fact;
    const stream = streamOf(fact);
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    const id = fact.id ?? idOf(n);
    n++;
    return { v: ENVELOPE_FORMAT, ledger: 'bench.local/audit', id, stream, revision, recordedAt: at, prev: GENESIS, keyId: 'bench', fact, hash: hex(n, 64) };
  };
  const preamble: Draft[] = [
    { type: 'KeyRegistered', keyId: 'bench-1', publicKey: 'ab'.repeat(32), owner: 'ledger' },
    { ...policyPublished(seedPolicy), at: undefined },
    { type: 'PurposeAssessed', purpose: 'fraud-prevention', compatibleWith: ['provide-service'], compatible: true, actor: 'dpo' },
    ...Array.from({ length: STAFF }, (_, s): Draft => ({
      type: 'AccessGranted',
      staff: staffId(s),
      categories: ['user.contact', 'user.profile'],
      purposes: ['customer-support'],
      confidentialityRef: `NDA-${s}`,
      actor: 'security',
    })),
    { type: 'AccessRevoked', staff: staffId(0), actor: 'security' },
  ];
  for (const f of preamble) if (n < total) yield envelope(f);
  for (let i = 0; i < SUBJECTS; i++) for (const f of onboarding(i, ctx)) if (n < total) yield envelope(f);
  while (n < total) {
    if (later.length > 0 && later[0]!.due <= n) {
      yield envelope(later.shift()!.fact);
      continue;
    }
    if (n % 250_000 === 0) {
      const incident = `inc-${n}`;
      const subjects = Array.from({ length: 25 }, () => subjectId(Math.floor(r() * SUBJECTS)));
      emitLater(1_000, { type: 'IncidentReported', incident, authority: 'national-cert' });
      emitLater(2_000, { type: 'IncidentSubjectsNotified', incident, channel: 'email', subjects: subjects.slice(0, 24) });
      yield envelope({ type: 'IncidentDetected', incident, categories: ['user.contact'], subjects, severity: 'high' });
      continue;
    }
    if (n === 400_000) {
      // Announced to everyone, and by email to one subject who asked.
      emitLater(1, { type: 'PolicyNoticeSent', version: 'v2', channel: 'email', audience: subjectId(0) });
      yield envelope({ type: 'PolicyNoticeSent', version: 'v2', channel: 'announcement', audience: 'all' });
      continue;
    }
    if (n === 510_000) {
      // A key rotation: the verifier's business, only counted here.
      emitLater(1, { type: 'KeyRevoked', keyId: 'bench-1', reason: 'rotation' });
      yield envelope({ type: 'KeyRegistered', keyId: 'bench-2', publicKey: 'cd'.repeat(32), owner: 'ledger' });
      continue;
    }
    if (n === 420_000) {
      const effectiveAt = new Date(START + 450_000 * STEP_MS).toISOString();
      const v2 = { ...seedPolicy, version: 'v2', effectiveAt, material: true };
      yield envelope({ ...policyPublished(v2), at: undefined });
      continue;
    }
    yield envelope(everyday(ctx));
  }
}

interface FoldRun {
  readonly state: ComplianceState;
  readonly facts: number;
  /** Heap used (MB, after GC, less the heap before the fold) when the fold had taken in n facts. */
  readonly heapAt: ReadonlyMap<number, number>;
}

const timedThrough: Stopwatch = { untimed: (f) => f() };

/**
 * Generates the workload in memory a chunk at a time (100,000 envelopes, about as many as
 * a replay holds in flight) and folds each chunk; making the chunks and reading the heap go
 * through the stopwatch's `untimed`, so a timed fold counts folding alone. Heap figures are
 * taken after a GC at milestones, without envelopes in memory: the state alone.
 */
export const foldWorkload = (total: number, options: Partial<ComplianceOptions> = {}, milestones: readonly number[] = [], sw: Stopwatch = timedThrough): FoldRun => {
  const baseline = sw.untimed(heapMb);
  const heapAt = new Map<number, number>();
  const source = workload(total)[Symbol.iterator]();
  let state = initialComplianceState(options);
  let folded = 0;
  while (folded < total) {
    const until = Math.min(total, folded + CHUNK, ...milestones.filter((m) => m > folded));
    const chunk = sw.untimed(() => {
      const c: Envelope[] = [];
      while (folded + c.length < until) c.push(source.next().value as Envelope);
      return c;
    });
    for (const e of chunk) state = applyCompliance(state, e);
    folded = until;
    chunk.length = 0;
    if (milestones.includes(folded)) heapAt.set(folded, sw.untimed(heapMb) - baseline);
  }
  return { state, facts: total, heapAt };
};

const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const timeEach = (n: number, op: (k: number) => unknown) => {
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    op(k);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1]! };
};

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const MILESTONES = [SMALL, 250_000, 500_000, 750_000, TOTAL];

const F = {
  fold: `fold ${fmt(TOTAL)} facts (grouped verdicts, the default)`,
  every: 'fold keeping every verdict (keepEveryVerdict)',
  everyHeap: 'state keeping every verdict, heap',
  report: 'full compliance report',
  subjectP50: 'subject report p50',
  subjectP99: 'subject report p99 (target < 5 ms)',
  consentP99: 'consent at a time p99',
} as const;

/** What the last run found, printed once after the figures: the same facts every run. */
let found = '';

/** The queries on a folded state, 1,000 each; percentiles within a run are values, the harness takes their median over runs. */
const queries = async (ctx: RunContext, state: ComplianceState): Promise<void> => {
  const evalAt = new Date(START + TOTAL * STEP_MS).toISOString();
  const r = prng(7);
  const subjects = Array.from({ length: 1_000 }, () => subjectId(Math.floor(r() * SUBJECTS)));
  const purposes = ['personalization', 'marketing-emails', 'partner-offers', 'provide-service'];
  const sr = timeEach(1_000, (k) => subjectReport(state, subjects[k]!, evalAt));
  const ca = timeEach(1_000, (k) => consentAt(state, subjects[k]!, purposes[k % purposes.length]!, new Date(START + Math.floor(r() * TOTAL) * STEP_MS).toISOString()));
  ctx.note(F.subjectP50, sr.p50, 'ms');
  ctx.note(F.subjectP99, sr.p99, 'ms');
  ctx.note(F.consentP99, ca.p99, 'ms');
  const report = await ctx.time({ figure: F.report, count: 1, unit: 'report', kind: 'duration' }, () => complianceReport(state, evalAt));
  found =
    `${stats(state)}; ${fmt(report.violations.length)} violations, ${fmt(report.uses.length)} use entries in the report\n` +
    `violations by code: ${Object.entries(report.summary.byCode).map(([c, k]) => `${c} ${fmt(k)}`).join(', ')}\n` +
    `fact kinds folded: ${Object.keys(report.summary.byType).length} of 19`;
};

const grouped: Variant = {
  name: 'grouped',
  run: async (ctx) => {
    const run = await ctx.time({ figure: F.fold, count: TOTAL, unit: 'facts' }, (sw) => foldWorkload(TOTAL, {}, MILESTONES, sw));
    const heap = (n: number) => run.heapAt.get(n)!;
    for (const m of [SMALL, TOTAL]) ctx.note(`state after ${fmt(m)} facts, heap`, heap(m), 'MB');
    ctx.note('10x the facts: memory ratio', heap(TOTAL) / heap(SMALL), 'x');
    // Use groups fill up as subjects meet each purpose and policy version; then only kept facts (disclosures, violations) add.
    ctx.note('bytes a fact over the last 250,000', ((heap(TOTAL) - heap(750_000)) * 1024 * 1024) / 250_000, 'bytes');
    await queries(ctx, run.state);
  },
};

const everyVerdict: Variant = {
  name: 'keepEveryVerdict',
  run: async (ctx) => {
    const run = await ctx.time({ figure: F.every, count: TOTAL, unit: 'facts' }, (sw) => foldWorkload(TOTAL, { keepEveryVerdict: true }, [TOTAL], sw));
    ctx.note(F.everyHeap, run.heapAt.get(TOTAL)!, 'MB');
  },
};

const stats = (s: ComplianceState) =>
  `${fmt(s.useLog.length)} use entries, ${fmt(s.accessLog.length)} access entries, ${fmt(s.disclosures.size)} disclosures, ` +
  `${fmt(s.violations.length)} violations in the state`;

const main = async () => {
  const args = harnessArgs(parseArgs({ options: HARNESS_OPTIONS }).values);
  // Warm the JIT up on a throwaway fold, once: the figures are the steady state of a long replay.
  foldWorkload(WARMUP);
  await runAndReport(
    {
      benchmark: 'bench:audit',
      description: `${fmt(TOTAL)} facts, ${fmt(SUBJECTS)} subjects, ${STAFF} staff folded through the compliance view (after one warm-up fold of ${fmt(WARMUP)}); target >= 300,000 facts/s`,
      variants: [grouped, everyVerdict],
      ratios: [{ of: F.every, to: F.fold, label: 'keeping every verdict / grouped' }],
    },
    args,
  );
  console.log(`\n${found}`);
};

// Runs when executed, not when imported (a profiling script may reuse the workload).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
