/**
 * The storage port: every adapter (memory, sqlite, eventstoredb) implements exactly this,
 * and the shared contract suite in test/store/contract.ts holds them to one behaviour.
 */

/** Expected revision for an append: a small closed type, mapped once at each adapter's edge. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/**
 * An opaque, totally ordered global position in the store. Reads and subscriptions take
 * `after`: they return events strictly after it, so a checkpoint is simply the last
 * position a reader processed.
 */
export type Position = bigint;

/** An event to append: its id (a UUID) and type, and a JSON object as data. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** `data` already serialized, when the caller has it: a store that keeps JSON text may store it as is. */
  readonly json?: string;
}

/**
 * What a store yields as `data` for an event whose stored bytes are not a JSON object: the read
 * goes on, so an audit can name the event (MALFORMED_EVENT) and check everything after it.
 */
export interface UnreadableData {
  readonly unreadable: true;
  /** Why: "not JSON: Unexpected end of JSON input", "binary event", … */
  readonly reason: string;
}

export const unreadableData = (reason: string): UnreadableData => ({ unreadable: true, reason });

export const isUnreadableData = (data: unknown): data is UnreadableData =>
  typeof data === 'object' && data !== null && (data as { unreadable?: unknown }).unreadable === true && Object.keys(data).length === 2;

/** An event as a store returns it: data is parsed JSON, as the store saw fit to re-parse it, or UnreadableData. */
export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly stream: string;
  /** 0-based revision in its stream. */
  readonly revision: bigint;
  readonly position: Position;
  readonly data: unknown;
  /**
   * The JSON text exactly as stored, from stores that keep text (SQLite), so that a verifier can
   * refuse text other readers would read differently (a repeated key, say). Stores that re-parse
   * (EventStoreDB) leave it out.
   */
  readonly text?: string;
}

/** One stream's part of an `appendMany`. */
export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly ProposedEvent[];
  readonly expected: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the last event now in the stream. */
  readonly nextRevision: bigint;
  readonly position: Position;
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive). Default 0. */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this position. Default: from the start. */
  readonly after?: Position;
  readonly maxCount?: number;
}

/** A catch-up subscription to all events: history first, then live, until closed. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  /** A name for messages and reports: 'memory', 'sqlite:/path', 'esdb://host'. */
  readonly name: string;
  /**
   * Positions are consecutive integers in commit order: an append's events take the
   * `events.length` positions ending at its result's `position`, each above every position
   * committed before it (memory, SQLite, PostgreSQL). Lets a writer place its own appends in
   * the log without reading them back. Absent (EventStoreDB): positions may skip.
   */
  readonly densePositions?: boolean;
  /**
   * Append events to one stream, all or none. Rejects with a LedgerError
   * `WRONG_EXPECTED_REVISION` (details: stream, expected, actual) when the stream is not
   * where the caller expected it.
   */
  append(stream: string, events: readonly ProposedEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Optional: several appends as ONE transaction, written in the order given (a stream may
   * appear more than once; each expected revision is checked against the stream as the
   * earlier appends of the call left it). All or none. Stores that cannot span streams
   * atomically (EventStoreDB) leave it out, and callers append stream by stream.
   */
  appendMany?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** The events of one stream in revision order. A missing stream yields nothing. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** The last event of a stream, or undefined when the stream does not exist. */
  lastEvent(stream: string): Promise<RecordedEvent | undefined>;
  /** Every event in global order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Optional: how many events the store holds now, cheaply, so long reads can show a total and
   * an ETA. Stores that cannot count without reading everything (EventStoreDB) leave it out.
   */
  count?(): Promise<number>;
  /** Catch-up subscription to all events strictly after `after`. */
  subscribe(options?: { readonly after?: Position }): Subscription;
  close(): Promise<void>;
}
