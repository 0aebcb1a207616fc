import * as E from 'fp-ts/lib/Either.js';
import { newEventId } from '../seal/ids.js';
import type { Fact, FactInput } from '../domain/facts.js';
import { decodeIncomingFact } from '../domain/input.js';
import type { FactLimits } from '../domain/limits.js';
import { LedgerError } from '../domain/errors.js';
import type { FieldError } from '../domain/codec.js';
import { streamOf } from '../domain/streams.js';
import type { Envelope } from '../seal/envelope.js';
import type { EventStore } from '../store/port.js';
import type { ComplianceState } from '../projection/compliance-state.js';
import type { Appender, AppendControl, Pending, Recorded } from './append.js';
import { recordedVerdicts } from './recorded-verdicts.js';
import { recordIfLawfulWith, type LawfulRecord } from './record-if-lawful.js';
import type { Sealer } from './sealer.js';

export interface RecordOptions {
  /** Declared backfill: imported history whose `at` is the operator's word. Sealed as such; never RECORDED_LATE. */
  readonly backfill?: boolean;
}

/** What every fact entering the ledger is held to: size and depth, and how far in the future its `at` may lie. */
export interface InputLimits extends FactLimits {
  readonly futureToleranceMs?: number;
  /** "Now" for that tolerance: the ledger's clock. */
  readonly now?: number;
  /** The ledger's own facts (CheckpointRecorded), which callers may not record. */
  readonly internal?: boolean;
}

/** Decodes every input first: one bad fact refuses the whole call, naming each bad field by index. */
export const decodeAll = (inputs: readonly unknown[], limits: InputLimits): Pending[] => {
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

export interface RecorderDeps {
  readonly store: EventStore;
  readonly sealing: Sealer;
  /** Undefined for a ledger opened without a signer: it cannot record. */
  readonly appendFacts: Appender | undefined;
  /** The ledger's per-stream lock. */
  readonly locked: <T>(stream: string, work: () => Promise<T>) => Promise<T>;
  /** The live view's state, caught up to the end of the store (its fold takes the verdicts, see beforeFold). */
  readonly currentState: () => Promise<ComplianceState>;
  readonly limits: InputLimits;
  readonly clock: () => Date;
  readonly maxRetries: number;
  /** False: record() appends without judging what it recorded. */
  readonly verdicts: boolean;
  readonly closed: () => boolean;
  /** The automatic checkpoints: told what was recorded, and heard from before each call. */
  readonly checkpoints: { readonly surface: () => void; readonly recorded: (count: number) => void };
}

/** The record path: decode, seal, append under the streams' locks, then the verdicts and the erasures of what was placed. */
export interface Recorder {
  record(input: FactInput | readonly FactInput[], options?: RecordOptions): Promise<Recorded[]>;
  /** record(), also for the ledger's own facts (`internal`: CheckpointRecorded), which sign on this thread and count towards no automatic checkpoint. */
  recordAs(input: FactInput | readonly FactInput[], options: RecordOptions, internal: boolean): Promise<Recorded[]>;
  /** Checks and records as one step under the stream's lock: records only when the verdict is lawful. */
  recordIfLawful(input: FactInput): Promise<LawfulRecord>;
  /** Throws unless the ledger is open and can sign. */
  writable(): void;
  /** For the live view: called with the state just before it folds each envelope (the verdicts of what this writer recorded). */
  beforeFold(state: ComplianceState, env: Envelope): void;
}

export const recorder = (deps: RecorderDeps): Recorder => {
  const { store, sealing, appendFacts, locked, currentState, limits, clock, maxRetries, checkpoints: auto } = deps;

  /** Holds every stream's lock, taken in sorted order so that two calls can never wait on each other. */
  const lockAll = <T>(streams: readonly string[], work: () => Promise<T>): Promise<T> =>
    [...streams].sort().reduceRight<() => Promise<T>>((inner, s) => () => locked(s, inner), work)();

  const verdicts = recordedVerdicts();

  /** Appends decoded facts and hands back each one's verdict as recorded (see RecordedVerdicts). */
  const appendJudged = async (pending: Pending[], control: AppendControl = {}): Promise<Recorded[]> => {
    if (!deps.verdicts && control.heads === undefined) {
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
      await currentState();
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
    if (deps.closed()) throw new LedgerError('CLOSED', 'the ledger is closed');
    if (!appendFacts) throw new LedgerError('INVALID_INPUT', 'this ledger was opened without a signer: it can read and verify, not record');
  };

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

  return {
    record: (input, recordOptions = {}) => recordAs(input, recordOptions, false),
    recordAs,
    recordIfLawful,
    writable,
    beforeFold: (state, env) => verdicts.beforeApply(state, env),
  };
};
