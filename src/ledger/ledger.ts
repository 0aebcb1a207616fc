import type { Fact, FactInput } from '../domain/facts.js';
import { checkedFactLimit } from '../domain/limits.js';
import { LedgerError, isLedgerError } from '../domain/errors.js';
import { seedPolicy, type Policy } from '../domain/policy.js';
import type { SigningMode } from '../seal/envelope.js';
import { bytesToHex } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import type { Signer } from '../seal/signers.js';
import type { IntegrityFinding } from '../seal/verify.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { appender, type Placed, type Recorded } from './append.js';
import { explainEvent, type Explanation } from './explain.js';
import { proveEvent, type ProveOptions } from './prove.js';
import type { VerdictBundle } from '../bundle/format.js';
import type { LawfulRecord } from './record-if-lawful.js';
import { decodeAll, recorder, type InputLimits, type RecordOptions } from './recorder.js';
export type { RecordOptions } from './recorder.js';
import { keyRegistration, registerKeyAndPolicy } from './registration.js';
import { headCache, streamLocks } from './heads.js';
import { checkOrigin, newOrigin, readIdentity } from './identity.js';
import { autoCheckpoints, rideAlong, type AutoCheckpointOptions } from './auto-checkpoint.js';
import { signCheckpoint } from './log-checkpoints.js';
import { logTracker, type LogTracker } from './log-tracker.js';
import { verifiedView, type VerifiedView, type VerifiedViewOptions, type VerifyResult } from './verified-view.js';
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

  const { record, recordAs, recordIfLawful, writable, beforeFold } = recorder({
    store,
    sealing,
    appendFacts,
    locked,
    currentState: () => currentState(),
    limits,
    clock,
    maxRetries,
    verdicts: options.verdicts !== false,
    closed: () => closed,
    checkpoints: { surface: () => auto.surface(), recorded: (n) => auto.recorded(n) },
  });

  /** One full verified pass over the store, from its first row; `onRead` is told of every envelope read. */
  const replay = async (
    opts: VerifyOptions,
    complianceOptions: Partial<ComplianceOptions> | undefined,
    onRead?: VerifiedViewOptions['onRead'],
  ): Promise<{ result: VerifyResult; state: ComplianceState }> => {
    const view = verifiedView({
      ...viewOptions,
      ...(identity === undefined ? {} : { ledger: identity }),
      checkpoints: opts.checkpoints ?? [],
      witnesses: opts.witnesses ?? [],
      fold: complianceOptions !== undefined,
      compliance: complianceOptions ?? compliance,
      ...(onRead === undefined ? {} : { onRead }),
    });
    await view.catchUp(opts.onProgress);
    return { result: await view.finish(), state: view.state };
  };

  const verify = async (opts: VerifyOptions = {}): Promise<VerifyResult> => (await replay(opts, undefined)).result;

  const audit = async (opts: AuditOptions = {}): Promise<AuditResult> => {
    // Judged on sealed facts; shown with what the key store can still open (erased subjects stay
    // pseudonyms), learned from the envelopes as the verified pass reads them.
    const collecting = sealing.active && opts.reveal !== false ? sealing.collector() : undefined;
    const { result, state } = await replay(opts, { ...compliance, keepEveryVerdict: opts.keepEveryVerdict ?? false }, collecting && ((env) => collecting.see(env)));
    const report = complianceReport(state, opts.at ?? clock());
    const reveal = collecting === undefined ? <T>(v: T): T => v : collecting.revealer().reveal;
    return { integrity: result, report: reveal(report), state, reveal };
  };

  // The live view behind check(), the queries and checkpoints: verified as it catches up.
  let live: VerifiedView | undefined;
  const currentView = (): Promise<VerifiedView> =>
    locked('\u0000view', async () => {
      live ??= verifiedView({ ...viewOptions, ...(identity === undefined ? {} : { ledger: identity }), compliance, beforeFold });
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
    explainEvent({ store, replay: (onRead) => replay({}, { ...compliance, keepEveryVerdict: true }, onRead), sealing }, eventId, at);

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
      await locked('keys', () => genesis(decodeAll([keyRegistration(signer, options.keyOwner, clock)], limits))).catch((e: unknown) => {
        if (!isLedgerError(e, 'CONFLICT_RETRIES_EXHAUSTED') && !isLedgerError(e, 'DUPLICATE_EVENT_ID')) throw e;
      });
      const settled = await readIdentity(store);
      if (settled === undefined) throw new LedgerError('STORE_CORRUPT', `${store.name}: the first event of the log is not an envelope of this library`);
      identity = settled;
    }
    await registerKeyAndPolicy({ record, store, signer, policy: options.policy ?? seedPolicy, clock });
  }
  return ledger;
};
