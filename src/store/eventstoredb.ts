import {
  ANY,
  AccessDeniedError,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  InvalidArgumentError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnsupportedError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type Filter,
  type JSONType,
  type Position as ServerPosition,
  type RecordedEvent as ServerEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { LedgerError } from '../domain/errors.js';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  Position,
  ProposedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  Subscription,
} from './port.js';
import { unreadableData } from './port.js';
import { parseConnectionString, scrubbedStore, scrubSecrets, withScrubbedWarnings } from './redact.js';
import { checkBatch, paged, wrongRevision } from './shared.js';

export interface EventStoreDBStoreOptions {
  /** Prepended to every stream name on write and stripped on read: what isolates ledgers sharing a server. */
  readonly prefix?: string;
  /** The store's name in messages and reports. */
  readonly name?: string;
  /** Events per read request when walking $all or a stream. Default 1000. */
  readonly pageSize?: number;
  /**
   * How a dropped subscription is resumed: delays double from the first (100 ms) to the cap
   * (5 s); after maxAttempts (10) failed resubscriptions in a row it fails with STORE_UNAVAILABLE.
   */
  readonly resubscribe?: { readonly maxAttempts?: number; readonly firstDelayMs?: number; readonly maxDelayMs?: number };
}

const UINT64 = (1n << 64n) - 1n;

/**
 * An EventStoreDB position {commit, prepare} as the port's one bigint, losslessly and in the
 * same order: commit in the high 64 bits, prepare in the low.
 */
export function encodePosition({ commit, prepare }: ServerPosition): Position {
  if (commit < 0n || prepare < 0n || commit > UINT64 || prepare > UINT64) {
    throw new LedgerError('STORE_CORRUPT', `EventStoreDB returned an impossible position ${commit}/${prepare}`, { commit, prepare });
  }
  return (commit << 64n) | prepare;
}

export function decodePosition(position: Position): ServerPosition {
  if (position < 0n || position >> 128n !== 0n) {
    throw new LedgerError('INVALID_INPUT', `${position} is not a position this store handed out`, { position });
  }
  return { commit: position >> 64n, prepare: position & UINT64 };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How far back from a stream's head the adapter looks for ids that an append repeats. */
const RETRY_WINDOW = 256;
/** How many (stream, event id) pairs a store remembers having sent: see `sent` in createStore. */
const REMEMBERED_IDS = 10_000;

const serverRevision = (expected: ExpectedRevision): AppendExpectedRevision =>
  expected === 'any' ? ANY : expected === 'no_stream' ? NO_STREAM : expected === 'stream_exists' ? STREAM_EXISTS : expected;

/** Any client error, as the one error a caller of the port can expect. */
function unavailable(error: unknown, context: Readonly<Record<string, unknown>> = {}): LedgerError {
  if (error instanceof LedgerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const type = (error as { type?: unknown } | null)?.type;
  return new LedgerError('STORE_UNAVAILABLE', `EventStoreDB: ${message}`, {
    ...context,
    message,
    ...(typeof type === 'string' ? { clientError: type } : {}),
  });
}

/** Errors that resubscribing cannot cure. */
const isPermanent = (error: unknown): boolean =>
  error instanceof LedgerError || error instanceof AccessDeniedError || error instanceof InvalidArgumentError || error instanceof UnsupportedError;

/**
 * A client read as an async iterable: a missing stream is an empty one, any other failure a
 * LedgerError, and a read abandoned half-way is cancelled on the server.
 */
async function* drain<E>(read: StreamingRead<E>, context: Readonly<Record<string, unknown>>): AsyncGenerator<E> {
  read.on('error', () => undefined); // failures reach us through the iterator
  let done = false;
  try {
    // Not destroyed on an early return: a destroyed read whose call had already completed
    // would never finish, and the client's dispose() waits for every call to finish.
    for await (const item of read.iterator({ destroyOnReturn: false })) yield item as E;
    done = true;
  } catch (error) {
    done = true;
    if (error instanceof StreamNotFoundError) return;
    throw unavailable(error, context);
  } finally {
    if (!done) {
      void read.cancel().catch(() => undefined);
      read.resume();
    }
  }
}

// A prefixed stream is `<prefix>/<stream>`. Our stream names never hold a `/` (ids cannot), nor may a
// prefix: so `acme` never reads `acme2`'s streams, and a ledger without a prefix reads no prefixed one.
const PREFIX_RE = /^[A-Za-z0-9._-]{1,100}$/;
const SEPARATOR = '/';

const checkPrefix = (prefix: string | undefined): void => {
  if (prefix !== undefined && prefix !== '' && !PREFIX_RE.test(prefix)) {
    throw new LedgerError('INVALID_INPUT', `a stream prefix is 1-100 letters, digits, "." "_" or "-" (system streams start with $), not ${JSON.stringify(prefix.slice(0, 40))}`, { prefix });
  }
};

/** The EventStore port over an EventStoreDB client the caller owns (close() leaves it open). */
export function eventStoreDBStore(client: EventStoreDBClient, options: EventStoreDBStoreOptions = {}): EventStore {
  checkPrefix(options.prefix);
  return createStore(client, options, false, 'eventstoredb');
}

/**
 * The EventStore port over a connection string: `esdb://host:2113?tls=false` for one node,
 * `esdb+discover://node1:2113,node2:2113,node3:2113` or `esdb://a:2113,b:2113,c:2113` for a
 * cluster. close() disposes the client it creates.
 */
export function eventStoreDBStoreFromConnectionString(connectionString: string, options: EventStoreDBStoreOptions = {}): EventStore {
  // Taken apart once, here: the scheme in any case, credentials kept out of every name and message.
  const parsed = parseConnectionString(connectionString);
  if (parsed === undefined || !/^esdb(\+discover)?$/.test(parsed.scheme) || !parsed.wellFormed) {
    const given = parsed === undefined ? '' : `, not ${parsed.redacted}`;
    throw new LedgerError('INVALID_INPUT', `an EventStoreDB connection string starts with esdb:// or esdb+discover://${given}`, {});
  }
  checkPrefix(options.prefix);
  let client: EventStoreDBClient;
  try {
    client = withScrubbedWarnings(parsed.secrets, () => EventStoreDBClient.connectionString(parsed.normalized));
  } catch (error) {
    const message = scrubSecrets((error as Error).message, parsed.secrets);
    throw new LedgerError('INVALID_INPUT', `unusable EventStoreDB connection string ${parsed.redacted}: ${message}`, { message });
  }
  return scrubbedStore(createStore(client, options, true, `${parsed.scheme}://${parsed.hosts}`), parsed.secrets);
}

function createStore(client: EventStoreDBClient, options: EventStoreDBStoreOptions, ownsClient: boolean, defaultName: string): EventStore {
  const prefix = options.prefix ?? '';
  const serverPrefix = prefix === '' ? '' : prefix + SEPARATOR;
  const pageSize = Math.max(2, options.pageSize ?? 1000);
  const retry = {
    maxAttempts: options.resubscribe?.maxAttempts ?? 10,
    firstDelayMs: options.resubscribe?.firstDelayMs ?? 100,
    maxDelayMs: options.resubscribe?.maxDelayMs ?? 5000,
  };
  const name = options.name ?? (prefix === '' ? defaultName : `${defaultName} (prefix ${prefix})`);
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new LedgerError('CLOSED', `the EventStoreDB store ${name} is closed`);
  };

  /** The server's name for one of our streams. */
  const serverStream = (stream: string): string => {
    if (stream === '' || stream.startsWith('$') || stream.includes(SEPARATOR)) {
      throw new LedgerError('INVALID_INPUT', `"${stream}" is not a stream name this store writes`, { stream });
    }
    return serverPrefix + stream;
  };

  /** Our name for a server stream, or undefined when it is a system stream or another prefix's. */
  const ownStream = (event: ServerEvent): string | undefined => {
    if (event.type.startsWith('$') || event.streamId.startsWith('$') || !event.streamId.startsWith(serverPrefix)) return undefined;
    const stream = event.streamId.slice(serverPrefix.length);
    return stream.includes(SEPARATOR) ? undefined : stream;
  };

  const recorded = (event: ServerEvent | undefined, stream: string): RecordedEvent => {
    const where = { stream, revision: event?.revision, id: event?.id };
    if (event === undefined || event.position === undefined) {
      throw new LedgerError('STORE_CORRUPT', `EventStoreDB returned an event of ${stream} without its position (22.6 or later is required)`, where);
    }
    // Not a JSON object this store wrote: read on, and let the reader name it (MALFORMED_EVENT).
    const data: unknown =
      !event.isJson ? unreadableData('a binary event, not JSON')
      : typeof event.data !== 'object' || event.data === null || Array.isArray(event.data) ? unreadableData('JSON, but not an object')
      : event.data;
    return { id: event.id, type: event.type, stream, revision: event.revision, position: encodePosition(event.position), data };
  };

  /**
   * The (stream, id) pairs this store sent lately, committed or cut off on the way: the oldest
   * are forgotten past REMEMBERED_IDS. EventStoreDB does not refuse an id already in the stream
   * when the expected revision matches (it only recognises a retry sent with the same expected
   * revision), so a batch that repeats one of these is checked against the stream's head before
   * it is sent. Any other batch goes straight to the server.
   */
  const sent = new Set<string>();
  const sentKey = (target: string, id: string): string => `${id} ${target}`;
  const remember = (target: string, ids: readonly string[]): void => {
    for (const id of ids) {
      const key = sentKey(target, id);
      sent.delete(key); // re-inserted as the newest
      sent.add(key);
    }
    for (const key of sent) {
      if (sent.size <= REMEMBERED_IDS) break;
      sent.delete(key);
    }
  };

  /**
   * Looks for the batch's ids among the last RETRY_WINDOW events of the stream. All of them, in
   * order, where `expected` put them: the batch landed before, and its original result stands.
   * Some of them anywhere else: DUPLICATE_EVENT_ID. None of them: undefined.
   */
  const lookBack = async (target: string, stream: string, ids: readonly string[], expected: ExpectedRevision): Promise<AppendResult | undefined> => {
    const found = new Map<string, RecordedEvent>();
    const tail = client.readStream(target, { fromRevision: END, direction: BACKWARDS, maxCount: RETRY_WINDOW });
    for await (const resolved of drain(tail, { stream })) {
      // Read backwards, so an id stored twice ends up at its first revision.
      if (resolved.event !== undefined && ids.includes(resolved.event.id)) found.set(resolved.event.id, recorded(resolved.event, stream));
    }
    if (found.size === 0) return undefined;
    const landed = ids.map((id) => found.get(id));
    const first = landed[0]?.revision;
    const whole = first !== undefined && landed.every((e, i) => e?.revision === first + BigInt(i));
    const inPlace = expected === 'no_stream' ? first === 0n : typeof expected === 'bigint' ? first === expected + 1n : true;
    if (whole && inPlace) {
      remember(target, ids);
      const last = landed[landed.length - 1]!;
      return { nextRevision: last.revision, position: last.position };
    }
    const id = ids.find((i) => found.has(i))!;
    const e = found.get(id)!;
    throw new LedgerError('DUPLICATE_EVENT_ID', `event id ${id} is already stored in ${stream} at revision ${e.revision}; nothing was appended`, {
      id,
      stream,
      storedIn: stream,
      revision: e.revision,
    });
  };

  const append = async (stream: string, events: readonly ProposedEvent[], expected: ExpectedRevision): Promise<AppendResult> => {
    ensureOpen();
    const target = serverStream(stream);
    // The server would store a repeated id twice: a batch repeating one is refused before anything is sent.
    checkBatch([{ stream, events, expected }], (id) => id.toLowerCase());
    // The server stores ids in lower case; storing them so keeps what we read equal to what we wrote.
    const ids = events.map((e) => e.id.toLowerCase());
    for (const [i, id] of ids.entries()) {
      if (!UUID.test(id)) throw new LedgerError('INVALID_INPUT', `event id "${events[i]!.id}" is not a UUID`, { stream, id: events[i]!.id });
    }
    if (ids.some((id) => sent.has(sentKey(target, id)))) {
      const before = await lookBack(target, stream, ids, expected);
      if (before !== undefined) return before;
    }

    const proposed = events.map((e, i) => jsonEvent({ id: ids[i]!, type: e.type, data: e.data as JSONType }));
    let result;
    try {
      result = await client.appendToStream(target, proposed, { expectedRevision: serverRevision(expected) });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return conflict(target, stream, ids, expected, error.actualVersion);
      // It may have been committed before the connection failed: a retry of it gets looked back for.
      remember(target, ids);
      throw unavailable(error, { stream });
    }
    // A client built with throwOnAppendFailure=false reports a conflict instead of throwing it.
    if (!result.success) return conflict(target, stream, ids, expected, result.nextExpectedRevision < 0n ? 'no_stream' : result.nextExpectedRevision);
    remember(target, ids);
    const position = result.position ?? (await positionAt(target, stream, result.nextExpectedRevision));
    return { nextRevision: result.nextExpectedRevision, position: encodePosition(position) };
  };

  /**
   * The server refused the expected revision. The batch may be one that landed before, or repeat
   * ids already in the stream; only otherwise is it the plain conflict the server reported.
   */
  const conflict = async (
    target: string,
    stream: string,
    ids: readonly string[],
    expected: ExpectedRevision,
    actual: bigint | 'no_stream',
  ): Promise<AppendResult> => {
    const before = await lookBack(target, stream, ids, expected);
    if (before !== undefined) return before;
    throw wrongRevision(stream, expected, actual);
  };

  const positionAt = async (target: string, stream: string, revision: bigint): Promise<ServerPosition> => {
    for await (const resolved of drain(client.readStream(target, { fromRevision: revision, maxCount: 1 }), { stream })) {
      if (resolved.event?.position !== undefined) return resolved.event.position;
    }
    throw new LedgerError('STORE_CORRUPT', `EventStoreDB gave no position for revision ${revision} of ${stream}`, { stream, revision });
  };

  const readStream = (stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> =>
    paged({
      start: options.fromRevision ?? 0n,
      maxCount: options.maxCount,
      pageSize,
      fetch: async (from: bigint, limit) => {
        ensureOpen();
        const target = serverStream(stream);
        if (from < 0n) throw new LedgerError('INVALID_INPUT', `fromRevision ${from} is negative`, { stream, fromRevision: from });
        const page: RecordedEvent[] = [];
        const read = client.readStream(target, { fromRevision: from, maxCount: limit, direction: FORWARDS });
        for await (const resolved of drain(read, { stream })) page.push(recorded(resolved.event, stream));
        return page;
      },
      cursorAfter: (last) => last.revision + 1n,
    });

  const lastEvent = async (stream: string): Promise<RecordedEvent | undefined> => {
    ensureOpen();
    const read = client.readStream(serverStream(stream), { fromRevision: END, direction: BACKWARDS, maxCount: 1 });
    for await (const resolved of drain(read, { stream })) return recorded(resolved.event, stream);
    return undefined;
  };

  async function* readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    ensureOpen();
    let after = options.after;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      // Reads from a position include it; the port's `after` does not, hence the skip below.
      const page = client.readAll({ fromPosition: after === undefined ? START : decodePosition(after), maxCount: pageSize, direction: FORWARDS });
      let received = 0;
      for await (const resolved of drain(page, {})) {
        received += 1;
        const event = resolved.event;
        if (event === undefined || event.position === undefined) continue;
        const position = encodePosition(event.position);
        if (after !== undefined && position <= after) continue;
        after = position;
        const stream = ownStream(event);
        if (stream === undefined) continue;
        remaining -= 1;
        yield recorded(event, stream);
        if (remaining <= 0) return;
      }
      if (received < pageSize) return;
    }
  }

  const subscribe = (options: { readonly after?: Position } = {}): Subscription => {
    const refused = closed;
    const filter: Filter = prefix === '' ? excludeSystemEvents() : streamNameFilter({ prefixes: [serverPrefix] });
    let stop!: () => void;
    const stopped = new Promise<undefined>((resolve) => (stop = () => resolve(undefined)));
    let isStopped = false;

    async function* events(): AsyncGenerator<RecordedEvent> {
      if (refused) throw new LedgerError('CLOSED', `the EventStoreDB store ${name} is closed`);
      // Subscriptions start after their position, like the port's `after`: what was delivered is where to resume.
      let resumeAt: ServerPosition | undefined = options.after === undefined ? undefined : decodePosition(options.after);
      let failures = 0;
      while (!isStopped) {
        const sub = client.subscribeToAll({ fromPosition: resumeAt ?? START, filter });
        sub.on('error', () => undefined).on('confirmation', () => (failures = 0));
        // Not destroyed when left: see drain(). A close() must not wait for the next event, hence the race.
        const received = sub.iterator({ destroyOnReturn: false });
        let failure: unknown = new Error('the server ended the subscription');
        try {
          for (;;) {
            const next = received.next();
            next.catch(() => undefined);
            const r = await Promise.race([next, stopped]);
            if (r === undefined) return;
            if (r.done === true) break;
            const event = r.value.event;
            if (event?.position === undefined) continue;
            resumeAt = event.position;
            const stream = ownStream(event);
            if (stream !== undefined) yield recorded(event, stream);
            if (isStopped) return;
          }
        } catch (error) {
          failure = error;
        } finally {
          // Cancel the call, and read whatever it still delivers so that it can finish.
          void sub.unsubscribe().catch(() => undefined);
          void (async () => {
            while ((await received.next()).done !== true);
          })().catch(() => undefined);
        }
        failures += 1;
        if (isPermanent(failure) || failures > retry.maxAttempts) throw unavailable(failure, { resubscribeAttempts: failures - 1 });
        const delay = Math.min(retry.maxDelayMs, retry.firstDelayMs * 2 ** (failures - 1));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, delay))), stopped]);
        clearTimeout(timer);
      }
    }

    const iterator = events();
    const subscription: Subscription = {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        isStopped = true;
        stop();
        subscriptions.delete(subscription);
      },
    };
    if (!refused) subscriptions.add(subscription);
    return subscription;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all([...subscriptions].map((s) => s.close()));
    if (ownsClient) await client.dispose();
  };

  return { name, append, readStream, lastEvent, readAll, subscribe, close };
}
