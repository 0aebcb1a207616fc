import * as E from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import { newEventId } from '../seal/ids.js';
import type { Fact, FactInput } from '../domain/facts.js';
import { decodeIncomingFact } from '../domain/input.js';
import { checkedFactLimit, type FactLimits } from '../domain/limits.js';
import { LedgerError, isLedgerError } from '../domain/errors.js';
import type { FieldError } from '../domain/codec.js';
import { policyPublished, seedPolicy, type Policy } from '../domain/policy.js';
import { streamOf } from '../domain/streams.js';
import { decodeEnvelope, type SigningMode } from '../seal/envelope.js';
import { bytesToHex } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import type { Signer } from '../seal/signers.js';
import type { IntegrityFinding } from '../seal/verify.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { appender, type AppendControl, type Pending, type Placed, type Recorded } from './append.js';
import { recordedVerdicts } from './recorded-verdicts.js';
import { explainEvent, type Explanation } from './explain.js';
import { proveEvent, type ProveOptions } from './prove.js';
import type { VerdictBundle } from '../bundle/format.js';
import { recordIfLawfulWith, type LawfulRecord } from './record-if-lawful.js';
import { headCache, streamLocks } from './heads.js';
import { checkOrigin, newOrigin, readIdentity } from './identity.js';
import { autoCheckpoints, rideAlong, type AutoCheckpointOptions } from './auto-checkpoint.js';
import { signCheckpoint } from './log-checkpoints.js';
import { logTracker, type LogTracker } from './log-tracker.js';
import { verifiedView, type VerifiedView, type VerifyResult } from './verified-view.js';
import { sealer } from './sealer.js';
import { eraseWith, type Erasure } from './erase.js';
import type { KeyStore } from '../store/key-store.js';
export type { Erasure } from './erase.js';

export type { VerifyResult } from './verified-view.js';
export type { AutoCheckpointOptions } from './auto-checkpoint.js';

export type { Recorded } from './append.js';
import type { ComplianceOptions, ComplianceState } from '../projection/compliance.js';
export type { LawfulRecord } from './record-if-lawful.js';
export type { Explanation, ExplainedViolation, RuleRef } from './explain.js';
import { complianceReport } from '../projection/compliance-report.js';
import { checkFact, consentAt, disclosureRegister, policyAt } from '../projection/queries.js';
import { subjectReport } from '../projection/subject-report.js';
import { erasureSchedule, type ErasureDue } from '../projection/rules-retention.js';
import { toMs } from '../projection/compliance-state.js';
import type { CheckResult, ComplianceReport, ConsentAt, DisclosureRegister, PolicyInForce, SubjectReport } from '../projection/compliance-types.js';

export interface LedgerOptions {
  readonly store: EventStore;
  /** Needed to record; a ledger opened without one can only read and verify. */
  readonly signer?: Signer;
  /** Keys an auditor trusts from outside the ledger; without any, the log's first key is its root of trust. */
  readonly trust?: readonly TrustedKey[];
  /** Published into the ledger on open unless that version is there already. Default: the seed policy. */
  readonly policy?: Policy;
  readonly signing?: SigningMode;
  /** Who owns the signer's key, for its KeyRegistered fact. */
  readonly keyOwner?: string;
  /** How often record() retries after losing a race or a dropped connection. Default 10. */
  readonly maxRetries?: number;
  /** The identity (checkpoint origin) of a ledger created by this open. Default: `privacy-ledger.local/<random UUID>`. */
  readonly origin?: string;
  /** The clock that stamps recordedAt, and "now" for check(). Default: the system clock. */
  readonly clock?: () => Date;
  /**
   * How far a fact's `at` may lie before its recordedAt before it is RECORDED_LATE, and how far
   * recordedAt may run backwards along the log (CLOCK_REGRESSION). Default 5 minutes.
   */
  readonly clockToleranceMs?: number;
  /** Sign and record a checkpoint automatically every N events and/or T milliseconds of recording. */
  readonly autoCheckpoint?: AutoCheckpointOptions;
  /** The largest fact record() accepts, in UTF-8 bytes of canonical JSON; larger is INVALID_FACT. Default 64 KiB. */
  readonly maxFactBytes?: number;
  /**
   * Default true: record() judges what it recorded and returns each verdict, which folds the
   * new facts into the live view on every call. False skips that for a writer that only appends.
   */
  readonly verdicts?: boolean;
  /** How far a fact's `at` may lie after now before it is refused (clock skew). Default five minutes. */
  readonly futureToleranceMs?: number;
  /** "Now" for that tolerance: the ledger's clock. */
  readonly now?: number;
  /** The ledger's own facts (CheckpointRecorded), which callers may not record. */
  readonly internal?: boolean;
  /**
   * Where subjects' data keys live (README, "Erasure"). Given, every fact about a person is
   * recorded under a pseudonymous stream with its personal fields sealed under the subject's key,
   * and `erase()` destroys that key. Without one, facts are recorded in clear. Closed with the ledger.
   */
  readonly keyStore?: KeyStore;
}

export interface VerifyOptions {
  readonly onProgress?: (checked: number) => void;
  /** Signed checkpoints (note texts) the log must still contain as its prefix. */
  readonly checkpoints?: readonly string[];
  /** Witnesses whose cosignature each given checkpoint must carry. */
  readonly witnesses?: readonly TrustedKey[];
}

export interface AuditOptions extends VerifyOptions {
  /** Evaluation time for deadlines (notices, incident reports). Default: now. */
  readonly at?: string | Date;
  /** Keep a verdict for every use and access, not lawful ones grouped. Default false. */
  readonly keepEveryVerdict?: boolean;
  /** With a key store: show subject ids and sealed text where their keys still exist. Default true; false keeps the report as judged, in pseudonyms and tags. */
  readonly reveal?: boolean;
}

/** An audit: integrity first (a report on tampered facts proves nothing), then compliance. */
export interface AuditResult {
  readonly integrity: VerifyResult;
  readonly report: ComplianceReport;
  /** The state as judged: subjects by pseudonym, sealed text as tags (with a key store). */
  readonly state: ComplianceState;
  /** Shows what the key store still opens in anything made from `state` (identity without a key store). */
  readonly reveal: <T>(value: T) => T;
}

export interface RecordOptions {
  /** Declared backfill: imported history whose `at` is the operator's word. Sealed as such; never RECORDED_LATE. */
  readonly backfill?: boolean;
}

/** What `checkpoint()` signed and recorded. */
export interface SignedCheckpoint {
  /** The signed note (C2SP tlog-checkpoint), as a file holds it. */
  readonly note: string;
  readonly origin: string;
  readonly size: number;
  /** Hex SHA-256 Merkle root of the first `size` entries. */
  readonly root: string;
  /** The CheckpointRecorded fact that put it in the ledger. */
  readonly recorded: Recorded;
}

export interface Ledger {
  readonly store: EventStore;
  readonly signer: Signer | undefined;
  /** The ledger's identity (its checkpoint origin); undefined for an empty ledger opened without a signer. */
  readonly identity: string | undefined;
  /** Records facts as they happen; each comes back with the verdict it got as recorded (unless `verdicts: false`). */
  record(input: FactInput | readonly FactInput[], options?: RecordOptions): Promise<Recorded[]>;
  /** Checks and records as one step under the stream's lock: records `fact` only when its verdict is lawful. */
  recordIfLawful(input: FactInput): Promise<LawfulRecord>;
  /** One event explained: its verdict, basis, proof and the rules that judge it, deadlines judged at `at`. */
  explain(eventId: string, at?: string | Date): Promise<Explanation>;
  check(input: FactInput, at?: string | Date): Promise<CheckResult>;
  verify(options?: VerifyOptions): Promise<VerifyResult>;
  audit(options?: AuditOptions): Promise<AuditResult>;
  subjectReport(subject: string, at?: string | Date): Promise<SubjectReport>;
  consentAt(subject: string, purpose: string, at?: string | Date): Promise<ConsentAt>;
  policyAt(at?: string | Date): Promise<PolicyInForce>;
  disclosureRegister(at?: string | Date): Promise<DisclosureRegister>;
  /** Signs a checkpoint of the log as it stands (C2SP tlog-checkpoint) and records it in the ledger. */
  checkpoint(): Promise<SignedCheckpoint>;
  /**
   * Erases a subject: records SubjectErased (naming the data keys it destroys), then destroys
   * them; every fact of the subject stays, sealed, and verifies as before. Needs a key store.
   */
  erase(subject: string, at?: string | Date): Promise<Erasure>;
  /** What must be erased by when (erasure requests, retention periods), judged at `at`, soonest first. */
  retention(at?: string | Date): Promise<ErasureDue[]>;
  /** The name a subject's facts are recorded under: its pseudonym with a key store, else its id. */
  pseudonymOf(subject: string): Promise<string>;
  /**
   * A verdict bundle for one DataUsed, DataDisclosed or PersonnelAccessed: its verdict and every
   * envelope it rests on, tied to a signed checkpoint (the one given, else the latest recorded
   * that covers it, else — with a signer — a new one). It holds that subject's facts.
   */
  prove(eventId: string, options?: ProveOptions): Promise<VerdictBundle>;
  /** An RFC 9162 consistency proof between two sizes of the log (hex hashes), for a witness. */
  consistencyProof(size1: number, size2: number): Promise<string[]>;
  /** Every event of the store in global order, raw: for audits and projections. */
  readAll(): AsyncIterable<RecordedEvent>;
  close(): Promise<void>;
}

// Fixed namespace for ids the ledger derives itself (key registrations, policy publications), so two
// processes opening the same ledger at once record them once.
const LEDGER_NAMESPACE = '4b0c3d36-2f4b-4a63-9a1f-6c2f7f0e9d11';

/** What every fact entering the ledger is held to: size and depth, and how far in the future its `at` may lie. */
interface InputLimits extends FactLimits {
  readonly futureToleranceMs?: number;
  /** "Now" for that tolerance: the ledger's clock. */
  readonly now?: number;
  /** The ledger's own facts (CheckpointRecorded), which callers may not record. */
  readonly internal?: boolean;
}

/** Decodes every input first: one bad fact refuses the whole call, naming each bad field by index. */
const decodeAll = (inputs: readonly unknown[], limits: InputLimits): Pending[] => {
  const errors: (FieldError & { index: number })[] = [];
  const pending: Pending[] = [];
  const checks = { now: limits.now ?? Date.now(), ...(limits.futureToleranceMs === undefined ? {} : { futureToleranceMs: limits.futureToleranceMs }) };
  // One id twice in one call would be appended twice and refused by the store on every retry.
  const idAt = new Map<string, number>();
  inputs.forEach((input, index) => {
    const r = decodeIncomingFact(input, checks, limits);
    if (E.isLeft(r)) errors.push(...r.left.map((e) => ({ index, ...e })));
    else if (r.right.type === 'CheckpointRecorded' && limits.internal !== true) {
      errors.push({ index, field: 'type', message: 'a CheckpointRecorded is recorded by the ledger itself when it signs a checkpoint (ledger.checkpoint()), never given to record()' });
    } else if (r.right.id !== undefined && idAt.has(r.right.id)) {
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

const integrityError = (findings: readonly IntegrityFinding[]): LedgerError =>
  new LedgerError(
    'INTEGRITY',
    `the ledger does not verify (${findings.length} integrity finding(s); first: ${findings[0]!.code} on event ${findings[0]!.eventId}: ${findings[0]!.message}): ` +
      'it proves nothing until that is resolved; run verify for every finding',
    { findings: findings.slice(0, 20) },
  );

export const openLedger = async (options: LedgerOptions): Promise<Ledger> => {
  const { store, signer } = options;
  const mode = options.signing ?? 'per-event';
  const maxRetries = options.maxRetries ?? 10;
  const clock = options.clock ?? (() => new Date());
  const limits: InputLimits = {
    maxFactBytes: checkedFactLimit(options),
    ...(options.futureToleranceMs === undefined ? {} : { futureToleranceMs: options.futureToleranceMs }),
  };
  const heads = headCache();
  const locked = streamLocks();
  let closed = false;
  const identityFromStore = await readIdentity(store);
  let identity = identityFromStore ?? (signer ? checkOrigin(options.origin ?? newOrigin()) : undefined);
  const compliance = { defaultPolicy: options.policy ?? seedPolicy, ...(options.clockToleranceMs === undefined ? {} : { clockToleranceMs: options.clockToleranceMs }) };
  const viewOptions = { store, trust: options.trust ?? [], ...(options.clockToleranceMs === undefined ? {} : { clockToleranceMs: options.clockToleranceMs }) };

  const sealing = sealer(store, options.keyStore);
  let tracker: LogTracker | undefined = options.autoCheckpoint === undefined ? undefined : logTracker(store);
  // Only stores with dense positions tell the tracker where the writer's own appends landed.
  const onPlaced = store.densePositions === true ? { onPlaced: (placed: readonly Placed[]) => tracker?.placed(placed) } : {};
  const ride = rideAlong();
  const appendFacts = signer
    ? appender({ store, ledger: () => identity!, clock, signer, mode, heads, maxRetries, sameFact: sealing.sameFact, onWrite: ride.onWrite, ...onPlaced })
    : undefined;

  /** Holds every stream's lock, taken in sorted order so that two calls can never wait on each other. */
  const lockAll = <T>(streams: readonly string[], work: () => Promise<T>): Promise<T> =>
    [...streams].sort().reduceRight<() => Promise<T>>((inner, s) => () => locked(s, inner), work)();

  const verdicts = recordedVerdicts();

  /** Appends decoded facts and hands back each one's verdict as recorded (see RecordedVerdicts). */
  const appendJudged = async (pending: Pending[], control: AppendControl = {}): Promise<Recorded[]> => {
    if (options.verdicts === false && control.heads === undefined) {
      const results = await appendFacts!(pending, control);
      return pending.map((p) => results.get(p.index)!);
    }
    const ids = pending.map((p) => p.id);
    verdicts.expect(ids);
    let results: Map<number, Recorded>;
    try {
      results = await appendFacts!(pending, control);
    } catch (e) {
      verdicts.forget(ids);
      throw e;
    }
    try {
      await currentView();
    } catch {
      // The facts are recorded: a failed read must not make the caller record them again. They go without verdicts.
      verdicts.forget(ids);
    }
    return pending.map((p) => {
      const r = results.get(p.index)!;
      const verdict = verdicts.take(r.id);
      return verdict === undefined ? r : { ...r, verdict };
    });
  };

  const writable = (): void => {
    if (closed) throw new LedgerError('CLOSED', 'the ledger is closed');
    if (!signer) throw new LedgerError('INVALID_INPUT', 'this ledger was opened without a signer: it can read and verify, not record');
  };

  const record = (input: FactInput | readonly FactInput[], recordOptions: RecordOptions = {}): Promise<Recorded[]> => recordAs(input, recordOptions, false);

  const recordAs = async (input: FactInput | readonly FactInput[], recordOptions: RecordOptions, internal: boolean): Promise<Recorded[]> => {
    writable();
    if (!internal) auto.surface();
    const inputs = Array.isArray(input) ? (input as readonly unknown[]) : [input];
    const pending = await sealing.seal(decodeAll(inputs, { ...limits, now: clock().getTime(), internal }), true);
    const recorded = await lockAll([...new Set(pending.map((p) => p.stream))], () => appendJudged(pending, { backfill: recordOptions.backfill === true, signNow: internal }));
    await sealing.afterRecorded(pending);
    if (!internal) auto.recorded(recorded.length);
    return recorded;
  };

  const recordLawful = recordIfLawfulWith({ store, locked, currentView: () => currentState(), appendJudged, maxRetries, clock });
  /**
   * Records `fact` only if its verdict is lawful, checking and recording as one step under the
   * stream's lock (see recordIfLawfulWith): resolves with the verdict, and what was recorded.
   */
  const recordIfLawful = async (input: FactInput): Promise<LawfulRecord> => {
    writable();
    auto.surface();
    const [p] = await sealing.seal(decodeAll([input], { ...limits, now: clock().getTime() }), true);
    const outcome = await recordLawful(p!);
    if (outcome.recorded !== undefined) {
      await sealing.afterRecorded([p!]);
      auto.recorded(1);
    }
    return outcome;
  };

  /** One full verified pass over the store, from its first row. */
  const replay = async (opts: VerifyOptions, complianceOptions: Partial<ComplianceOptions> | undefined): Promise<{ result: VerifyResult; state: ComplianceState }> => {
    const view = verifiedView({
      ...viewOptions,
      ...(identity === undefined ? {} : { ledger: identity }),
      checkpoints: opts.checkpoints ?? [],
      witnesses: opts.witnesses ?? [],
      fold: complianceOptions !== undefined,
      compliance: complianceOptions ?? compliance,
    });
    await view.catchUp(opts.onProgress);
    return { result: await view.finish(), state: view.state };
  };

  const verify = async (opts: VerifyOptions = {}): Promise<VerifyResult> => (await replay(opts, undefined)).result;

  const audit = async (opts: AuditOptions = {}): Promise<AuditResult> => {
    const { result, state } = await replay(opts, { ...compliance, keepEveryVerdict: opts.keepEveryVerdict ?? false });
    const report = complianceReport(state, opts.at ?? clock());
    // Judged on sealed facts; shown with what the key store can still open (erased subjects stay pseudonyms).
    const reveal = sealing.active && opts.reveal !== false ? (await sealing.revealAll()).reveal : <T>(v: T): T => v;
    return { integrity: result, report: reveal(report), state, reveal };
  };

  // The live view behind check(), the queries and checkpoints: verified as it catches up.
  let live: VerifiedView | undefined;
  const currentView = (): Promise<VerifiedView> =>
    locked('\u0000view', async () => {
      live ??= verifiedView({ ...viewOptions, ...(identity === undefined ? {} : { ledger: identity }), compliance, beforeFold: (state, env) => verdicts.beforeApply(state, env) });
      await live.catchUp();
      const problems = live.problems();
      if (problems.length > 0) throw integrityError(problems);
      return live;
    });
  const currentState = async (): Promise<ComplianceState> => (await currentView()).state;

  const check = async (input: FactInput, at: string | Date = clock()): Promise<CheckResult> => {
    if (closed) throw new LedgerError('CLOSED', 'the ledger is closed');
    const [p] = await sealing.seal(decodeAll([input], { ...limits, now: clock().getTime() }), false);
    return checkFact(await currentState(), { ...p!.fact, ...(p!.explicit ? { id: p!.id } : {}) } as Fact, at, clock());
  };

  /** `manual`: the automatic count starts again from this one; an automatic one counted from when it fell due. */
  const signAndRecord = (manual: boolean): Promise<SignedCheckpoint> =>
    locked('\u0000checkpoint', async () => {
      if (!signer) throw new LedgerError('INVALID_INPUT', 'this ledger was opened without a signer: it cannot sign a checkpoint');
      // Signed over the log as stored, without re-verifying it (verify does that): so that
      // automatic checkpoints cost the writer's own hashes and a read of any other rows, not a replay.
      tracker ??= logTracker(store);
      const { size, root } = await tracker.catchUp();
      if (manual) auto.restart();
      const note = signCheckpoint({ origin: identity!, size, root, signer });
      if (!manual) await ride.next();
      const [recorded] = await recordAs({ type: 'CheckpointRecorded', at: clock().toISOString(), size, root: bytesToHex(root), note }, {}, true);
      return { note, origin: identity!, size, root: bytesToHex(root), recorded: recorded! };
    });

  const checkpoint = async (): Promise<SignedCheckpoint> => {
    if (closed) throw new LedgerError('CLOSED', 'the ledger is closed');
    auto.surface();
    return signAndRecord(true);
  };

  const auto = autoCheckpoints({ options: options.autoCheckpoint, clock, sign: () => signAndRecord(false), closed: () => closed });

  const consistencyProof = async (size1: number, size2: number): Promise<string[]> => {
    const view = await currentView();
    if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 1 && size1 <= size2 && size2 <= view.log.size)) {
      throw new LedgerError('INVALID_INPUT', `no consistency proof from size ${size1} to ${size2}: the log has ${view.log.size} entries`, { size1, size2 });
    }
    return view.log.consistencyProof(size1, size2).map(bytesToHex);
  };

  /** One event explained: its verdict, basis, proof and the rules that judge it, deadlines judged at `at`. */
  const explain = (eventId: string, at: string | Date = clock()): Promise<Explanation> =>
    explainEvent({ store, policy: options.policy ?? seedPolicy, trust: options.trust ?? [] }, eventId, at);

  const prove = async (eventId: string, proveOptions: ProveOptions = {}): Promise<VerdictBundle> => {
    const source = { store, policy: options.policy ?? seedPolicy, trust: options.trust ?? [], clock, ...(options.clockToleranceMs === undefined ? {} : { clockToleranceMs: options.clockToleranceMs }) };
    try {
      return await proveEvent(source, eventId, proveOptions);
    } catch (e) {
      // No checkpoint covers the event yet: a ledger that can sign makes one.
      if (!isLedgerError(e, 'NO_CHECKPOINT') || proveOptions.checkpoint !== undefined || !signer) throw e;
      const cp = await checkpoint();
      return proveEvent(source, eventId, { checkpoint: cp.note });
    }
  };

  const ledger: Ledger = {
    store,
    signer,
    get identity() {
      return identity;
    },
    record,
    check,
    verify,
    audit,
    subjectReport: async (subject, at = clock()) => {
      const opened = await sealing.revealer(subject);
      const report = subjectReport(await currentState(), opened.pseudonym, at);
      // An erased subject is named by its pseudonym alone: nothing of it is left to show.
      return opened.erased ? report : { ...opened.reveal(report), subject };
    },
    consentAt: async (subject, purpose, at = clock()) => {
      const opened = await sealing.revealer(subject);
      return opened.reveal(consentAt(await currentState(), opened.pseudonym, purpose, at));
    },
    pseudonymOf: (subject) => sealing.pseudonym(subject),
    retention: async (at = clock()) => {
      const due = erasureSchedule(await currentState(), toMs(at));
      return sealing.active ? (await sealing.revealAll()).reveal(due) : due;
    },
    erase: (subject, at = clock()) => eraseWith({ store, sealing, record: (f) => record(f), writable }, subject, at),
    policyAt: async (at = clock()) => policyAt(await currentState(), at),
    disclosureRegister: async (at = clock()) => disclosureRegister(await currentState(), at),
    explain,
    recordIfLawful,
    checkpoint,
    prove,
    consistencyProof,
    readAll: () => store.readAll(),
    async close() {
      if (closed) return;
      ride.release();
      await auto.settle();
      closed = true;
      await tracker?.close();
      await store.close();
      await options.keyStore?.close();
      auto.surface();
    },
  };

  if (signer) {
    if (!identityFromStore) {
      // Creating the ledger: its first envelope registers the signer's key and carries the new
      // identity. Not retried onto another head: a process that loses this race (another created
      // the ledger first) reads the winner's identity and opens that ledger like any other.
      const genesis = appender({ store, ledger: () => identity!, clock, signer, mode, heads: headCache(), maxRetries: 0 });
      await locked('keys', () => genesis(decodeAll([keyRegistration(signer, options, clock)], limits))).catch((e: unknown) => {
        if (!isLedgerError(e, 'CONFLICT_RETRIES_EXHAUSTED') && !isLedgerError(e, 'DUPLICATE_EVENT_ID')) throw e;
      });
      const settled = await readIdentity(store);
      if (settled === undefined) throw new LedgerError('STORE_CORRUPT', `${store.name}: the first event of the log is not an envelope of this library`);
      identity = settled;
    }
    await registerKeyAndPolicy(record, store, signer, options, clock);
  }
  return ledger;
};

/** Facts of one stream, decoded; what is not an envelope is skipped (verify reports it). */
async function* factsOf(store: EventStore, stream: string): AsyncIterable<Fact> {
  for await (const ev of store.readStream(stream)) {
    const env = decodeEnvelope(ev.data);
    if (E.isRight(env)) yield env.right.fact;
  }
}

/** The KeyRegistered of a ledger's first key: its id derived, so two processes creating one ledger record it once. */
const keyRegistration = (signer: Signer, options: LedgerOptions, clock: () => Date): FactInput => {
  const publicKey = bytesToHex(signer.publicKey);
  return {
    type: 'KeyRegistered',
    at: clock().toISOString(),
    id: uuidv5(`key:${signer.keyId}:${publicKey}`, LEDGER_NAMESPACE),
    keyId: signer.keyId,
    publicKey,
    owner: options.keyOwner ?? 'privacy-ledger',
  };
};

/** Registers the signer's key and publishes the policy, each once however many processes open the ledger. */
const registerKeyAndPolicy = async (
  record: (f: FactInput | readonly FactInput[]) => Promise<Recorded[]>,
  store: EventStore,
  signer: Signer,
  options: LedgerOptions,
  clock: () => Date,
): Promise<void> => {
  const publicKey = bytesToHex(signer.publicKey);
  let registered = false;
  let keysKnown = 0;
  for await (const f of factsOf(store, 'keys')) {
    if (f.type === 'KeyRegistered') keysKnown++;
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
  if (!registered) {
    // A key registering itself into a ledger that has one would be trusted by nobody: refuse it here.
    throw new LedgerError(
      'KEY_INVALID',
      `key "${signer.keyId}" is not registered in this ledger (${keysKnown} key(s) are): a key counts only when a trusted key endorses it. ` +
        'Record its KeyRegistered with a current key first (privacy-ledger keys add --endorse-with CURRENT.key), then sign with it.',
      { keyId: signer.keyId },
    );
  }
  const now = clock().toISOString();
  // Another process opening at the same moment records the same derived id with its own `at`: theirs stands.
  const once = (p: Promise<unknown>) => p.catch((e) => { if (!isLedgerError(e, 'DUPLICATE_EVENT_ID')) throw e; });
  const policy = options.policy ?? seedPolicy;
  for await (const f of factsOf(store, 'policy')) if (f.type === 'PolicyPublished' && f.version === policy.version) return;
  await once(record({ ...policyPublished(policy, now), id: uuidv5(`policy:${policy.version}`, LEDGER_NAMESPACE) }));
};
