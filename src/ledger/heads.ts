import * as E from 'fp-ts/lib/Either.js';
import { LedgerError } from '../domain/errors.js';
import { formatFieldErrors } from '../domain/codec.js';
import type { EventStore } from '../store/port.js';
import { decodeEnvelope, type ChainHead } from '../seal/envelope.js';

/** The chain head of a stream as the store has it now. A last event that is not our envelope cannot be chained onto. */
export const readHead = async (store: EventStore, stream: string): Promise<ChainHead | undefined> => {
  const last = await store.lastEvent(stream);
  if (!last) return undefined;
  const env = decodeEnvelope(last.data);
  if (E.isLeft(env)) {
    throw new LedgerError('STORE_CORRUPT', `the last event of stream "${stream}" (${last.id}) is not a sealed envelope: ${formatFieldErrors(env.left)}`, {
      stream,
      eventId: last.id,
    });
  }
  return { revision: env.right.revision, hash: env.right.hash };
};

/** A bounded cache of chain heads, so a busy writer does not read the head before every append. */
export interface HeadCache {
  get(stream: string): ChainHead | undefined;
  set(stream: string, head: ChainHead): void;
  forget(stream: string): void;
}

export const headCache = (capacity = 10_000): HeadCache => {
  const heads = new Map<string, ChainHead>();
  return {
    get: (stream: string) => heads.get(stream),
    set(stream: string, head: ChainHead) {
      heads.delete(stream);
      heads.set(stream, head);
      if (heads.size > capacity) heads.delete(heads.keys().next().value as string);
    },
    forget: (stream: string) => void heads.delete(stream),
  };
};

/** Serializes work per stream inside one process, so concurrent record() calls queue instead of racing. */
export const streamLocks = () => {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(stream: string, work: () => Promise<T>): Promise<T> => {
    const prev = tails.get(stream) ?? Promise.resolve();
    const run = prev.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(stream, tail);
    try {
      return await run;
    } finally {
      if (tails.get(stream) === tail) tails.delete(stream);
    }
  };
};
