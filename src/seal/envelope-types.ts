import type { Fact } from '../domain/facts.js';
import type { SealedBox } from './data-seal.js';

/** Hex SHA-256 of 32 zero bytes' worth: the `prev` of the first envelope in a stream. */
export const GENESIS = '0'.repeat(64);

/**
 * The envelope format this code writes and reads. 3: subjects pseudonymised, personal fields
 * sealed (`sealed`). Versions 1 and 2 are no longer read: see the CHANGELOG.
 */
export const ENVELOPE_FORMAT = 3;

/** Everything the hash covers (docs/envelope.md). */
export interface EnvelopeBody {
  /** The envelope format version: ENVELOPE_FORMAT. */
  readonly v: typeof ENVELOPE_FORMAT;
  /** The ledger's identity (its checkpoint origin): an envelope of another ledger never verifies here. */
  readonly ledger: string;
  readonly id: string;
  readonly stream: string;
  /** 0-based revision in its stream. A number, not a bigint: it is JSON. */
  readonly revision: number;
  readonly recordedAt: string;
  /** Hash of the previous envelope of this stream, or GENESIS. */
  readonly prev: string;
  readonly keyId: string;
  /** Present (true) only on imported history: its `at` is the operator's word, not grounded by recordedAt. */
  readonly backfill?: true;
  /** The fact as sealed: subject ids pseudonymised, personal free text tagged (src/seal/fact-sealing.ts). */
  readonly fact: Fact;
  /** The fact's personal fields under its subject's data key; absent when it has none, or the ledger has no key store. */
  readonly sealed?: SealedBox;
}

/** A sealed fact: hash = SHA-256(canonical JSON of the body), sig = Ed25519(hash bytes), both hex. */
export interface Envelope extends EnvelopeBody {
  readonly hash: string;
  /** Present on every envelope in `per-event` mode, on the last of each stream's batch in `per-batch`. */
  readonly sig?: string;
}

/** An envelope together with where the store put it. */
export interface SealedEvent {
  readonly envelope: Envelope;
  readonly position: bigint;
}
