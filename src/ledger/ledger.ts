import * as E from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import { newEventId } from '../seal/ids.js';
import type { Fact, FactInput } from '../domain/facts.js';
import { decodeInputFact } from '../domain/input.js';
import { checkedFactLimit, type FactLimits } from '../domain/limits.js';
import { LedgerError, isLedgerError } from '../domain/errors.js';
import type { FieldError } from '../domain/codec.js';
import { policyPublished, seedPolicy, type Policy } from '../domain/policy.js';
import { streamOf } from '../domain/streams.js';
import { decodeEnvelope, type Envelope, type SigningMode } from '../seal/envelope.js';
import { bytesToHex } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import type { Signer } from '../seal/signers.js';
import { integrityChecker, type IntegrityFinding } from '../seal/verify.js';
import { decodeStored } from '../seal/strict-json.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { appender, type Pending, type Recorded } from './append.js';
import { headCache, streamLocks } from './heads.js';

export type { Recorded } from './append.js';
import { applyCompliance, initialComplianceState, type ComplianceState } from '../projection/compliance.js';
import { complianceReport } from '../projection/compliance-report.js';
import { checkFact, consentAt, disclosureRegister, policyAt } from '../projection/queries.js';
import { subjectReport } from '../projection/subject-report.js';
import type { CheckResult, ComplianceReport, ConsentAt, DisclosureRegister, PolicyInForce, SubjectReport } from '../projection/compliance-types.js';

export interface LedgerOptions {
  readonly store: EventStore;
  /** Needed to record; a ledger opened without one can only read and verify. */
  readonly signer?: Signer;
  /** Keys an auditor trusts from outside the ledger (see IntegrityOptions.trust). */
  readonly trust?: readonly TrustedKey[];
  /** Published into the ledger on open unless that version is there already. Default: the seed policy. */
  readonly policy?: Policy;
  readonly signing?: SigningMode;
  /** Who owns the signer's key, for its KeyRegistered fact. */
  readonly keyOwner?: string;
  /** How often record() retries after losing a race or a dropped connection. Default 10. */
  readonly maxRetries?: number;
  /** The largest fact record() accepts, in UTF-8 bytes of canonical JSON; larger is INVALID_FACT. Default 64 KiB. */
  readonly maxFactBytes?: number;
}

export interface VerifyResult {
  readonly store: string;
  readonly checked: number;
  readonly findings: IntegrityFinding[];
}

export interface VerifyOptions {
  readonly onProgress?: (checked: number) => void;
}

export interface AuditOptions extends VerifyOptions {
  /** Evaluation time for deadlines (notices, incident reports). Default: now. */
  readonly at?: string | Date;
  /** Keep a verdict for every use and access, not lawful ones grouped. Default false. */
  readonly keepEveryVerdict?: boolean;
}

/** An audit: integrity first (a report on tampered facts proves nothing), then compliance. */
export interface AuditResult {
  readonly integrity: VerifyResult;
  readonly report: ComplianceReport;
  readonly state: ComplianceState;
}

// Fixed namespace for ids the ledger derives itself (key registrations, policy publications), so two
// processes opening the same ledger at once record them once.
const LEDGER_NAMESPACE = '4b0c3d36-2f4b-4a63-9a1f-6c2f7f0e9d11';

/** Decodes every input first: one bad fact refuses the whole call, naming each bad field by index. */
const decodeAll = (inputs: readonly unknown[], limits: FactLimits): Pending[] => {
  const errors: (FieldError & { index: number })[] = [];
  const pending: Pending[] = [];
  // One id twice in one call would be appended twice and refused by the store on every retry.
  const idAt = new Map<string, number>();
  inputs.forEach((input, index) => {
    const r = decodeInputFact(input, limits);
    if (E.isLeft(r)) errors.push(...r.left.map((e) => ({ index, ...e })));
    else if (r.right.id !== undefined && idAt.has(r.right.id)) {
      errors.push({ index, field: 'id', message: `id ${r.right.id} is already used by fact ${idAt.get(r.right.id)} of this call` });
    } else {
      if (r.right.id !== undefined) idAt.set(r.right.id, index);
      const { id, ...fact } = r.right;
      pending.push({ index, id: id ?? newEventId(), explicit: id !== undefined, fact: fact as Fact, stream: streamOf(fact as Fact) });
    }
  });
  if (errors.length > 0) {
    const text = errors.map((e) => (inputs.length > 1 ? `fact ${e.index}: ` : '') + `${e.field}: ${e.message}`).join('; ');
    throw new LedgerError('INVALID_FACT', `invalid fact: ${text}`, { errors });
  }
  return pending;
};


export const openLedger = async (options: LedgerOptions) => {
  const { store, signer } = options;
  const mode = options.signing ?? 'per-event';
  const maxRetries = options.maxRetries ?? 10;
  const limits: FactLimits = { maxFactBytes: checkedFactLimit(options) };
  const heads = headCache();
  const locked = streamLocks();
  let closed = false;

  const appendFacts = signer ? appender({ store, signer, mode, heads, maxRetries }) : undefined;

  /** Holds every stream's lock, taken in sorted order so that two calls can never wait on each other. */
  const lockAll = <T>(streams: readonly string[], work: () => Promise<T>): Promise<T> =>
    [...streams].sort().reduceRight<() => Promise<T>>((inner, s) => () => locked(s, inner), work)();

  const record = async (input: FactInput | readonly FactInput[]): Promise<Recorded[]> => {
    if (closed) throw new LedgerError('CLOSED', 'the ledger is closed');
    if (!signer) throw new LedgerError('INVALID_INPUT', 'this ledger was opened without a signer: it can read and verify, not record');
    const inputs = Array.isArray(input) ? (input as readonly unknown[]) : [input];
    const pending = decodeAll(inputs, limits);
    const results = await lockAll([...new Set(pending.map((p) => p.stream))], () => appendFacts!(pending));
    return pending.map((p) => results.get(p.index)!);
  };

  /** One pass over the store: every event checked, every well-formed one handed to `fold`. */
  const replay = async (opts: VerifyOptions, fold?: (env: Envelope) => void): Promise<VerifyResult> => {
    const checker = integrityChecker({ trust: options.trust ?? [] });
    for await (const ev of store.readAll()) {
      const env = await checker.check(ev);
      if (env && fold) fold(env);
      if (opts.onProgress && checker.checked % 10_000 === 0) opts.onProgress(checker.checked);
    }
    return { store: store.name, checked: checker.checked, findings: await checker.finish() };
  };

  const verify = (opts: VerifyOptions = {}): Promise<VerifyResult> => replay(opts);

  const audit = async (opts: AuditOptions = {}): Promise<AuditResult> => {
    const state = initialComplianceState({ defaultPolicy: options.policy ?? seedPolicy, keepEveryVerdict: opts.keepEveryVerdict ?? false });
    const integrity = await replay(opts, (env) => applyCompliance(state, env));
    return { integrity, report: complianceReport(state, opts.at ?? new Date()), state };
  };

  // The live view behind check() and subjectReport(): caught up from the store on each call.
  let view: { state: ComplianceState; position: bigint } | undefined;
  const currentView = (): Promise<ComplianceState> =>
    locked('\u0000view', async () => {
      view ??= { state: initialComplianceState({ defaultPolicy: options.policy ?? seedPolicy }), position: 0n };
      for await (const ev of store.readAll({ after: view.position })) {
        const env = decodeStored(ev.data, ev);
        if (E.isRight(env)) applyCompliance(view.state, env.right);
        view.position = ev.position;
      }
      return view.state;
    });

  /**
   * The verdict `fact` would get if recorded now, with its proof: "may I use this for that
   * purpose?" asked before acting. Records nothing.
   */
  const check = async (input: FactInput, at: string | Date = new Date()): Promise<CheckResult> => {
    if (closed) throw new LedgerError('CLOSED', 'the ledger is closed');
    const [p] = decodeAll([input], limits);
    return checkFact(await currentView(), { ...p!.fact, ...(p!.explicit ? { id: p!.id } : {}) } as Fact, at);
  };

  /** Everything collected, used, disclosed, consented and notified for one subject, with verdicts. */
  const reportOn = async (subject: string, at: string | Date = new Date()): Promise<SubjectReport> => subjectReport(await currentView(), subject, at);

  /** Queries on the live view, each as of `at` (default now). */
  const queries = {
    /** Whether `subject` had consented to `purpose` at `at`, with the grant or withdrawal that shows it. */
    consentAt: async (subject: string, purpose: string, at: string | Date = new Date()): Promise<ConsentAt> => consentAt(await currentView(), subject, purpose, at),
    /** The policy in force at `at`, with the PolicyPublished that put it there. */
    policyAt: async (at: string | Date = new Date()): Promise<PolicyInForce> => policyAt(await currentView(), at),
    /** Every disclosure by reason and recipient, with its verdict and notice status at `at`. */
    disclosureRegister: async (at: string | Date = new Date()): Promise<DisclosureRegister> => disclosureRegister(await currentView(), at),
  };

  const ledger = {
    store,
    signer,
    record,
    check,
    verify,
    audit,
    subjectReport: reportOn,
    ...queries,
    /** Every event of the store in global order, raw: for audits and projections. */
    readAll: (): AsyncIterable<RecordedEvent> => store.readAll(),
    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };

  if (signer) await registerKeyAndPolicy(ledger.record, store, signer, options);
  return ledger;
};

export type Ledger = Awaited<ReturnType<typeof openLedger>>;

/** Facts of one stream, decoded; what is not an envelope is skipped (verify reports it). */
async function* factsOf(store: EventStore, stream: string): AsyncIterable<Fact> {
  for await (const ev of store.readStream(stream)) {
    const env = decodeEnvelope(ev.data);
    if (E.isRight(env)) yield env.right.fact;
  }
}

/** Registers the signer's key and publishes the policy, each once however many processes open the ledger. */
const registerKeyAndPolicy = async (
  record: (f: FactInput | readonly FactInput[]) => Promise<Recorded[]>,
  store: EventStore,
  signer: Signer,
  options: LedgerOptions,
): Promise<void> => {
  const publicKey = bytesToHex(signer.publicKey);
  let registered = false;
  for await (const f of factsOf(store, 'keys')) {
    if (f.type === 'KeyRegistered' && f.keyId === signer.keyId) {
      if (f.publicKey !== publicKey) {
        throw new LedgerError('SIGNER_MISMATCH', `key id "${signer.keyId}" is registered in this ledger with another public key`, { keyId: signer.keyId });
      }
      registered = true;
    }
    if (f.type === 'KeyRevoked' && f.keyId === signer.keyId) {
      throw new LedgerError('KEY_INVALID', `key "${signer.keyId}" was revoked in this ledger (${f.reason}); sign with another key`, { keyId: signer.keyId });
    }
  }
  const now = new Date().toISOString();
  // Another process opening at the same moment records the same derived id with its own `at`: theirs stands.
  const once = (p: Promise<unknown>) => p.catch((e) => { if (!isLedgerError(e, 'DUPLICATE_EVENT_ID')) throw e; });
  if (!registered) {
    await once(record({
      type: 'KeyRegistered',
      at: now,
      id: uuidv5(`key:${signer.keyId}:${publicKey}`, LEDGER_NAMESPACE),
      keyId: signer.keyId,
      publicKey,
      owner: options.keyOwner ?? 'privacy-ledger',
    }));
  }
  const policy = options.policy ?? seedPolicy;
  for await (const f of factsOf(store, 'policy')) if (f.type === 'PolicyPublished' && f.version === policy.version) return;
  await once(record({ ...policyPublished(policy, now < policy.effectiveAt ? now : policy.effectiveAt), id: uuidv5(`policy:${policy.version}`, LEDGER_NAMESPACE) }));
};
