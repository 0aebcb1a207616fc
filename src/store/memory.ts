import { LedgerError } from '../domain/errors.js';
import { canonicalAppend } from './event-ids.js';
import { checkBatch, checkExpected, duplicateEventId } from './shared.js';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  Position,
  ProposedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  Subscription,
} from './port.js';

/** An in-memory EventStore for tests: the same contract as the durable ones, nothing kept. */
export function memoryStore(): EventStore {
  const all: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const ids = new Set<string>();
  const listeners = new Set<() => void>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new LedgerError('CLOSED', 'the memory store is closed');
  };

  /** Refuses an append that would break the contract; `pending` holds what earlier appends of the same call add. */
  const validate = (a: StreamAppend, pending: Map<string, number>): void => {
    const length = (streams.get(a.stream)?.length ?? 0) + (pending.get(a.stream) ?? 0);
    checkExpected(a.stream, a.expected, length === 0 ? undefined : BigInt(length - 1));
    const stored = a.events.find(({ id }) => ids.has(id));
    if (stored !== undefined) throw duplicateEventId(stored.id, a.stream);
    pending.set(a.stream, (pending.get(a.stream) ?? 0) + a.events.length);
  };

  const commit = ({ stream, events }: StreamAppend, copies: readonly unknown[]): AppendResult => {
    const existing = streams.get(stream) ?? [];
    for (const [i, e] of events.entries()) {
      const data = copies[i];
      const recorded = { id: e.id, type: e.type, stream, revision: BigInt(existing.length), position: BigInt(all.length + 1), data };
      existing.push(recorded);
      all.push(recorded);
      ids.add(e.id);
    }
    streams.set(stream, existing);
    const last = existing[existing.length - 1]!;
    return { nextRevision: last.revision, position: last.position };
  };

  const appendMany = async (given: readonly StreamAppend[]): Promise<AppendResult[]> => {
    ensureOpen();
    const appends = given.map(canonicalAppend);
    checkBatch(appends);
    const pending = new Map<string, number>();
    for (const a of appends) validate(a, pending);
    // Kept as parsed copies, as a durable store would return them (callers cannot alias them),
    // made before anything is committed: data that is not JSON refuses the whole call.
    const copies = appends.map((a) => a.events.map((e) => jsonCopy(e, a.stream)));
    const results = appends.map((a, i) => commit(a, copies[i]!));
    for (const notify of listeners) notify();
    return results;
  };

  const append = async (stream: string, events: readonly ProposedEvent[], expected: ExpectedRevision): Promise<AppendResult> =>
    (await appendMany([{ stream, events, expected }]))[0]!;

  async function* readStream(stream: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    ensureOpen();
    const events = streams.get(stream) ?? [];
    const from = Number(options.fromRevision ?? 0n);
    const to = options.maxCount === undefined ? events.length : from + options.maxCount;
    yield* events.slice(from, to).map(copy);
  }

  async function* readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    ensureOpen();
    // Position p sits at index p-1, so the events strictly after p start at index p.
    const from = Math.max(Number(options.after ?? 0n), 0);
    const to = options.maxCount === undefined ? all.length : from + options.maxCount;
    yield* all.slice(from, to).map(copy);
  }

  const lastEvent = async (stream: string): Promise<RecordedEvent | undefined> => {
    ensureOpen();
    const last = streams.get(stream)?.at(-1);
    return last === undefined ? undefined : copy(last);
  };

  const subscribe = (options: { readonly after?: Position } = {}): Subscription => {
    let position = options.after ?? 0n;
    let ended = false;
    let wake: (() => void) | undefined;
    const refusedAtStart = closed;
    const end = async (): Promise<void> => {
      ended = true;
      wake?.();
    };
    const next = async (): Promise<IteratorResult<RecordedEvent>> => {
      if (refusedAtStart) throw new LedgerError('CLOSED', 'the memory store is closed');
      for (;;) {
        // A subscription open when the store closes ends cleanly, like one closed by its owner.
        if (ended || closed) return { done: true, value: undefined };
        const e = all[Number(position)];
        if (e !== undefined) {
          position = e.position;
          return { done: false, value: copy(e) };
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          listeners.add(resolve);
        });
        if (wake !== undefined) listeners.delete(wake);
      }
    };
    const iterator: AsyncIterator<RecordedEvent> = { next, return: async () => (await end(), { done: true, value: undefined }) };
    return { [Symbol.asyncIterator]: () => iterator, close: end };
  };

  const close = async (): Promise<void> => {
    closed = true;
    for (const notify of listeners) notify();
  };

  const count = async (): Promise<number> => all.length;

  return { name: 'memory', densePositions: true, append, appendMany, readStream, lastEvent, readAll, count, subscribe, close };
}

const jsonCopy = (e: ProposedEvent, stream: string): unknown => {
  try {
    return JSON.parse(JSON.stringify(e.data)) as unknown;
  } catch (error) {
    throw new LedgerError('INVALID_INPUT', `event ${e.id} for ${stream} has data that is not JSON: ${(error as Error).message}`, { id: e.id, stream });
  }
};

const copy = (e: RecordedEvent): RecordedEvent => ({ ...e, data: structuredClone(e.data) });
