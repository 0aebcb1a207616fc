import { randomBytes, randomUUID } from 'node:crypto';
import { LedgerError } from '../domain/errors.js';

/** A subject's data key: 32 random bytes, destroyed on erasure. */
export interface DataKey {
  readonly keyId: string;
  /** The pseudonym of the subject it belongs to (never the subject id). */
  readonly subject: string;
  readonly key: Uint8Array;
  /** Set on a key that the currentKeys call returning it made: no older record can name it. */
  readonly created?: true;
}

/**
 * Where subjects' data keys and the ledger's pseudonym secret live, apart from the event store:
 * erasing a subject destroys its keys here while every envelope stays as it was. The default is
 * a SQLite file of its own (`sqliteKeyStore`); a KMS implements the same five calls.
 */
export interface KeyStore {
  readonly name: string;
  /** The secret that names subjects' streams (keyed HMAC); made on first use, shared by every writer, never erased. */
  ledgerSecret(): Promise<Uint8Array>;
  /**
   * The newest live key of each subject (by pseudonym) that has one; with `create`, one is made
   * for each that has none, all durably before this returns (one transaction for the lot), and
   * marked `created`. A key without the mark is treated as one that may predate a restore.
   */
  currentKeys(subjects: readonly string[], create: boolean): Promise<Map<string, DataKey>>;
  /** Every live key id of a subject: what erasure destroys. */
  keyIdsOf(subject: string): Promise<string[]>;
  /** A live key by its id; undefined once destroyed. */
  keyById(keyId: string): Promise<DataKey | undefined>;
  /** Destroys keys, leaving no copy of them in the store (its files, journals or caches). */
  destroy(keyIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A fresh key id: `dk-` and a random UUID. */
export const newDataKeyId = (): string => `dk-${randomUUID()}`;
/** 32 random bytes: a data key or the ledger secret. */
export const newKey = (): Uint8Array => Uint8Array.from(randomBytes(32));

/** A key store in memory, for tests and short-lived ledgers: nothing outlives the process. */
export const memoryKeyStore = (): KeyStore => {
  let secret: Uint8Array | undefined;
  const keys = new Map<string, DataKey>();
  let closed = false;
  const open = (): void => {
    if (closed) throw new LedgerError('CLOSED', 'the memory key store is closed');
  };
  const ofSubject = (subject: string) => [...keys.values()].filter((k) => k.subject === subject);
  return {
    name: 'memory-keys',
    async ledgerSecret() {
      open();
      return (secret ??= newKey());
    },
    async currentKeys(subjects, create) {
      open();
      const out = new Map<string, DataKey>();
      for (const subject of subjects) {
        const mine = ofSubject(subject);
        if (mine.length > 0) out.set(subject, mine[mine.length - 1]!);
        else if (create) {
          const k: DataKey = { keyId: newDataKeyId(), subject, key: newKey() };
          keys.set(k.keyId, k);
          out.set(subject, { ...k, created: true });
        }
      }
      return out;
    },
    async keyIdsOf(subject) {
      open();
      return ofSubject(subject).map((k) => k.keyId);
    },
    async keyById(keyId) {
      open();
      return keys.get(keyId);
    },
    async destroy(keyIds) {
      open();
      for (const id of keyIds) {
        const k = keys.get(id);
        if (k) (k.key as Uint8Array).fill(0);
        keys.delete(id);
      }
    },
    async close() {
      closed = true;
    },
  };
};
