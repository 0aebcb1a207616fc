import * as E from 'fp-ts/lib/Either.js';
import type { FieldError } from '../domain/codec.js';
import type { Envelope } from '../seal/envelope-types.js';
import type { EventStore, Position, RecordedEvent, Subscription } from '../store/port.js';
import type { CheckpointStore } from './checkpoints.js';
import { deserializeSnapshot, serializeSnapshot } from './snapshot.js';

export { fileCheckpoints, memoryCheckpoints, type Checkpoint, type CheckpointStore } from './checkpoints.js';

/** A pure fold over sealed events, with a name to checkpoint it under. */
export interface Projection<S> {
  readonly name: string;
  initial(): S;
  apply(state: S, envelope: Envelope, position: Position): S;
  /** Snapshot codec; default JSON that keeps Maps, Sets and bigints. */
  serialize?(state: S): string;
  deserialize?(snapshot: string): S;
}

/** An event the decoder refused: reported, skipped, never fatal. */
export interface MalformedEvent {
  readonly position: Position;
  readonly id: string;
  readonly type: string;
  readonly stream: string;
  readonly errors: readonly FieldError[];
}

export interface RunProjectionOptions<S> {
  readonly store: EventStore;
  readonly projection: Projection<S>;
  readonly checkpoints: CheckpointStore;
  /** Turns a stored event's data into an envelope (the seal's `decodeEnvelope`, or `decodeStored`, which also checks the stored text). */
  readonly decode: (data: unknown, event: RecordedEvent) => E.Either<readonly FieldError[], Envelope>;
  /** Keep following live events after catching up, until `stop()`. Default false: run to the end once. */
  readonly follow?: boolean;
  /** Save a checkpoint after this many events (default 50,000)... */
  readonly checkpointEvery?: number;
  /** ...or when this long has passed since the last one, on the next event (default 5,000 ms). */
  readonly checkpointIntervalMs?: number;
  readonly onMalformed?: (event: MalformedEvent) => void;
  /** Called every `progressEvery` events (default 10,000) and when caught up. */
  readonly onProgress?: (progress: { readonly position: Position | undefined; readonly applied: number }) => void;
  readonly progressEvery?: number;
}

export interface ProjectionResult<S> {
  readonly state: S;
  /** The last position processed (applied or reported malformed). */
  readonly position: Position | undefined;
  /** Events applied by this run (not counting those the checkpoint already held). */
  readonly applied: number;
  readonly malformed: number;
}

export interface ProjectionRun<S> {
  /** Settles when the run ends: at the end of the store, or after `stop()` when following. */
  readonly done: Promise<ProjectionResult<S>>;
  /** Stops after the event in hand, saves a checkpoint, and resolves like `done`. */
  stop(): Promise<ProjectionResult<S>>;
  current(): ProjectionResult<S>;
}

/**
 * A catch-up runner: loads the projection's checkpoint (state and position together),
 * reads every later event in global order, applies it, and checkpoints as it goes; then
 * ends, or with `follow` keeps applying live events until stopped.
 */
export const runProjection = <S>(options: RunProjectionOptions<S>): ProjectionRun<S> => {
  const { store, projection, checkpoints, decode } = options;
  const every = options.checkpointEvery ?? 50_000;
  const intervalMs = options.checkpointIntervalMs ?? 5_000;
  const progressEvery = options.progressEvery ?? 10_000;
  const serialize = projection.serialize ?? serializeSnapshot;
  const deserialize = projection.deserialize ?? deserializeSnapshot<S>;
  let state = projection.initial();
  let position: Position | undefined;
  let applied = 0;
  let malformed = 0;
  let unsaved = 0;
  let lastSave = Date.now();
  let stopped = false;
  let subscription: Subscription | undefined;

  const current = (): ProjectionResult<S> => ({ state, position, applied, malformed });

  const save = async (): Promise<void> => {
    if (unsaved === 0 || position === undefined) return;
    await checkpoints.save(projection.name, { position, snapshot: serialize(state) });
    unsaved = 0;
    lastSave = Date.now();
  };

  /** Applies one event; true when a checkpoint is due. */
  const handle = (e: RecordedEvent): boolean => {
    const decoded = safely(decode, e);
    if (E.isLeft(decoded)) {
      malformed++;
      options.onMalformed?.({ position: e.position, id: e.id, type: e.type, stream: e.stream, errors: decoded.left });
    } else {
      state = projection.apply(state, decoded.right, e.position);
      applied++;
    }
    position = e.position;
    unsaved++;
    if (options.onProgress !== undefined && (applied + malformed) % progressEvery === 0) options.onProgress({ position, applied });
    return unsaved >= every || Date.now() - lastSave >= intervalMs;
  };

  const consume = async (events: AsyncIterable<RecordedEvent>): Promise<void> => {
    for await (const e of events) {
      if (stopped) break;
      // A store that hands back what the checkpoint already holds must not get it applied twice.
      if (position !== undefined && e.position <= position) continue;
      if (handle(e)) await save();
    }
  };

  const run = async (): Promise<ProjectionResult<S>> => {
    const checkpoint = await checkpoints.load(projection.name);
    if (checkpoint !== undefined) {
      state = deserialize(checkpoint.snapshot);
      position = checkpoint.position;
    }
    await consume(store.readAll(position === undefined ? {} : { after: position }));
    await save();
    options.onProgress?.({ position, applied });
    if (options.follow === true && !stopped) {
      subscription = store.subscribe(position === undefined ? {} : { after: position });
      await consume(subscription);
      await save();
    }
    return current();
  };

  const done = run();
  return {
    done,
    current,
    stop: async () => {
      stopped = true;
      await subscription?.close();
      return done;
    },
  };
};

/** A decoder that throws is a malformed event too, never a crash of the fold. */
const safely = (decode: RunProjectionOptions<unknown>['decode'], e: RecordedEvent): E.Either<readonly FieldError[], Envelope> => {
  try {
    return decode(e.data, e);
  } catch (err) {
    return E.left([{ field: '(event)', message: err instanceof Error ? err.message : String(err) }]);
  }
};

/** Run a projection to the end of the store once. */
export const catchUp = <S>(options: Omit<RunProjectionOptions<S>, 'follow'>): Promise<ProjectionResult<S>> =>
  runProjection({ ...options, follow: false }).done;
