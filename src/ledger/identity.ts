import { randomUUID } from 'node:crypto';
import { LedgerError } from '../domain/errors.js';
import type { EventStore } from '../store/port.js';

/**
 * A ledger's identity is its checkpoint origin: a URL-like name without spaces or `+`,
 * sealed into every envelope, so that an envelope of another ledger (even one signed by the
 * same key) never verifies here. It is settled by the first envelope of the log.
 */
export const ORIGIN_RE = /^[A-Za-z0-9][A-Za-z0-9._~:/@-]{0,254}$/;

export const newOrigin = (): string => `privacy-ledger.local/${randomUUID()}`;

export const checkOrigin = (origin: string): string => {
  if (!ORIGIN_RE.test(origin)) {
    throw new LedgerError('INVALID_INPUT', `a ledger origin is 1-255 characters of letters, digits and . _ ~ : / @ -, starting with a letter or digit (got ${JSON.stringify(origin.slice(0, 80))})`, { origin });
  }
  return origin;
};

/** The identity the log's first envelope carries, or undefined for an empty log (or one whose first row is not an envelope). */
export const readIdentity = async (store: EventStore): Promise<string | undefined> => {
  for await (const ev of store.readAll({ maxCount: 1 })) {
    const data = ev.data as { ledger?: unknown } | null;
    return typeof data === 'object' && data !== null && typeof data.ledger === 'string' ? data.ledger : undefined;
  }
  return undefined;
};
