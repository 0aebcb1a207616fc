/**
 * What every adapter checks and builds the same way: the refusals a batch gets before any
 * storage is touched, the expected-revision check and its error, reads a page at a time, and
 * catch-up subscriptions by polling. An adapter maps its own storage's errors onto these.
 */
import { LedgerError } from '../domain/errors.js';
import type { ExpectedRevision, Position, RecordedEvent, StreamAppend, Subscription } from './port.js';

/** The refusal of an append to `stream` whose expected revision the head (`actual`) does not match. */
export const wrongRevision = (stream: string, expected: ExpectedRevision, actual: bigint | 'no_stream'): LedgerError =>
  new LedgerError('WRONG_EXPECTED_REVISION', `stream ${stream} is at ${String(actual)}, not ${String(expected)}`, {
    stream,
    expected,
    actual,
  });

/** Refuses an append whose expected revision does not match the stream's head (undefined: no stream). */
export const checkExpected = (stream: string, expected: ExpectedRevision, head: bigint | undefined): void => {
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' ? head === undefined : expected === 'stream_exists' ? head !== undefined : head === expected);
  if (!matches) throw wrongRevision(stream, expected, head ?? 'no_stream');
};

/** The refusal of an event id that is already stored (or repeated): nothing of the append is written. */
export const duplicateEventId = (id: string | undefined, stream: string, where = 'is already stored'): LedgerError =>
  new LedgerError('DUPLICATE_EVENT_ID', `event id ${id ?? '(unknown)'} ${where}; nothing was appended to ${stream}`, { id, stream });

/**
 * Refuses, before any lock is taken: an empty append, a negative expected revision, and an id
 * repeated across the appends of one call. `canonicalId` is how the store compares ids.
 */
export function checkBatch(appends: readonly StreamAppend[], canonicalId: (id: string) => string = (id) => id): void {
  const seen = new Set<string>();
  for (const a of appends) {
    if (a.events.length === 0) throw new LedgerError('INVALID_INPUT', `nothing to append to ${a.stream}: the batch is empty`, { stream: a.stream });
    if (typeof a.expected === 'bigint' && a.expected < 0n) {
      throw new LedgerError('INVALID_INPUT', `expected revision ${a.expected} is negative`, { stream: a.stream, expected: a.expected });
    }
    for (const { id } of a.events) {
      const key = canonicalId(id);
      if (seen.has(key)) throw duplicateEventId(id, a.stream, 'appears twice in one append');
      seen.add(key);
    }
  }
}

export const DEFAULT_PAGE_SIZE = 1000;

/** Reads `pageSize` events per fetch, so even a million-event read holds one page at a time. */
export async function* paged<C>(options: {
  readonly start: C;
  readonly maxCount: number | undefined;
  readonly fetch: (cursor: C, limit: number) => Promise<readonly RecordedEvent[]> | readonly RecordedEvent[];
  readonly cursorAfter: (last: RecordedEvent) => C;
  readonly pageSize?: number;
}): AsyncGenerator<RecordedEvent> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let cursor = options.start;
  let remaining = options.maxCount ?? Infinity;
  while (remaining > 0) {
    const limit = Math.min(pageSize, remaining);
    const events = await options.fetch(cursor, limit);
    yield* events;
    const last = events[events.length - 1];
    if (last === undefined || events.length < limit) return;
    remaining -= events.length;
    cursor = options.cursorAfter(last);
  }
}

export interface PollingSubscriptionOptions {
  /** Deliver events strictly after this position. */
  readonly after: Position;
  /** The next events after a position, in global order; throws to fail the subscription. */
  readonly fetchAfter: (position: Position) => Promise<readonly RecordedEvent[]> | readonly RecordedEvent[];
  /** How long to wait before asking again when nothing was new (a wake() cuts it short). */
  readonly intervalMs: () => number;
  /** Called once when the subscription ends, by close(), return() or the store. */
  readonly onEnd?: () => void;
}

/** A subscription and the handles its store keeps: wake it after an append, end it on close. */
export interface PollingSubscription {
  readonly subscription: Subscription;
  /** New events may be there: ask now instead of at the end of the wait. */
  wake(): void;
  /** Ends it cleanly: a pending next() resolves done. */
  end(): void;
}

/**
 * Catch-up then live, by asking the store for what follows the last delivered position. Other
 * processes may write, so a local append or a notification only shortens the wait; polling is
 * never skipped, so a lost notification delays an event but never loses it.
 */
export function pollingSubscription(options: PollingSubscriptionOptions): PollingSubscription {
  let position = options.after;
  let page: readonly RecordedEvent[] = [];
  let index = 0;
  let ended = false;
  let woken = false;
  let timer: NodeJS.Timeout | undefined;
  let resume: (() => void) | undefined;

  const wake = (): void => {
    woken = true;
    clearTimeout(timer);
    resume?.();
  };
  const end = (): void => {
    if (ended) return;
    ended = true;
    options.onEnd?.();
    wake();
  };
  const next = async (): Promise<IteratorResult<RecordedEvent>> => {
    for (;;) {
      if (ended) return { done: true, value: undefined };
      const e = page[index];
      if (e !== undefined) {
        index += 1;
        return { done: false, value: e };
      }
      woken = false;
      const fetched = await options.fetchAfter(position);
      if (ended) return { done: true, value: undefined };
      page = fetched;
      index = 0;
      const last = page[page.length - 1];
      if (last !== undefined) position = last.position;
      // A wake() during the fetch may announce events the fetch did not see: ask again at once.
      else if (!woken) await new Promise<void>((r) => ((resume = r), (timer = setTimeout(r, options.intervalMs()))));
      resume = undefined;
    }
  };
  const iterator: AsyncIterator<RecordedEvent> = { next, return: async () => (end(), { done: true, value: undefined }) };
  return { subscription: { [Symbol.asyncIterator]: () => iterator, close: async () => end() }, wake, end };
}
