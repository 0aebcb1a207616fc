import { LedgerError } from '../domain/errors.js';
import { checkExpected } from './expected.js';
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
  const validate = (a: StreamAppend, pending: Map<string, number>, batchIds: Set<string>): void => {
    const length = (streams.get(a.stream)?.length ?? 0) + (pending.get(a.stream) ?? 0);
    checkAppend(a.stream, a.events, a.expected, length === 0 ? undefined : BigInt(length - 1));
    for (const { id } of a.events) {
      if (ids.has(id) || batchIds.has(id)) {
        throw new LedgerError('DUPLICATE_EVENT_ID', `event id ${id} is already stored; nothing was appended to ${a.stream}`, { id, stream: a.stream });
      }
      batchIds.add(id);
    }
    pending.set(a.stream, (pending.get(a.stream) ?? 0) + a.events.length);
  };

  const commit = ({ stream, events }: StreamAppend): AppendResult => {
    const existing = streams.get(stream) ?? [];
    for (const e of events) {
      // Kept as a parsed copy, as a durable store would return it: callers cannot alias it.
      const data = JSON.parse(JSON.stringify(e.data)) as unknown;
      const recorded = { id: e.id, type: e.type, stream, revision: BigInt(existing.length), position: BigInt(all.length + 1), data };
      existing.push(recorded);
      all.push(recorded);
      ids.add(e.id);
    }
    streams.set(stream, existing);
    const last = existing[existing.length - 1]!;
    return { nextRevision: last.revision, position: last.position };
  };

  const appendMany = async (appends: readonly StreamAppend[]): Promise<AppendResult[]> => {
    ensureOpen();
    const pending = new Map<string, number>();
    const batchIds = new Set<string>();
    for (const a of appends) validate(a, pending, batchIds);
    const results = appends.map(commit);
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

  return { name: 'memory', append, appendMany, readStream, lastEvent, readAll, count, subscribe, close };
}

const copy = (e: RecordedEvent): RecordedEvent => ({ ...e, data: structuredClone(e.data) });

/** Refuses an empty batch or an expected revision the stream's head does not match. */
function checkAppend(stream: string, events: readonly ProposedEvent[], expected: ExpectedRevision, head: bigint | undefined): void {
  if (events.length === 0) throw new LedgerError('INVALID_INPUT', `nothing to append to ${stream}: the batch is empty`, { stream });
  checkExpected(stream, expected, head);
}
