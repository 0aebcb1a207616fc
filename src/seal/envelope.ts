import type { Fact } from '../domain/facts.js';
import { sha256Hex } from './hash.js';
import { canonicalBody } from './envelope-codec.js';
import { ENVELOPE_FORMAT, GENESIS, type Envelope, type EnvelopeBody } from './envelope-types.js';

export * from './envelope-types.js';
export * from './envelope-codec.js';

/** `per-event`: every envelope carries a signature. `per-batch`: the last envelope of each stream in an append does, covering the rest through the chain. */
export type SigningMode = 'per-event' | 'per-batch';

/** Where a stream's chain stands: the revision and hash of its last envelope. */
export interface ChainHead {
  readonly revision: number;
  readonly hash: string;
}

export const hashOf = (body: EnvelopeBody): string => sha256Hex(canonicalBody(body));

/** The JSON text of a sealed envelope, from its body's canonical text: no second serialization. */
export const envelopeJson = (bodyText: string, hash: string, sig: string | undefined): string =>
  bodyText.slice(0, -1) + ',"hash":"' + hash + (sig === undefined ? '"}' : '","sig":"' + sig + '"}');

export interface SealContext {
  /** The ledger's identity, written into every envelope. */
  readonly ledger: string;
  readonly stream: string;
  /** The stream's last envelope, or undefined for a new stream. */
  readonly head: ChainHead | undefined;
  readonly keyId: string;
  readonly recordedAt: string;
  /** One id per fact (the fact's own, or a fresh UUID v7). */
  readonly ids: readonly string[];
  /** Seal as declared backfill (imported history). */
  readonly backfill?: boolean;
}

/** Builds and hashes the chained, unsigned envelopes for facts appended to one stream, each with its body's canonical text. */
export const chainWithText = (facts: readonly Fact[], ctx: SealContext): { envelope: Envelope; bodyText: string }[] => {
  let prev = ctx.head?.hash ?? GENESIS;
  let revision = ctx.head ? ctx.head.revision + 1 : 0;
  return facts.map((fact, i) => {
    // One object per envelope on the hot path: the body is hashed, then the hash filled in.
    const envelope = {
      v: ENVELOPE_FORMAT as typeof ENVELOPE_FORMAT, ledger: ctx.ledger, id: ctx.ids[i]!, stream: ctx.stream, revision: revision++, recordedAt: ctx.recordedAt, prev, keyId: ctx.keyId,
      ...(ctx.backfill === true ? { backfill: true as const } : {}), fact, hash: '',
    };
    const bodyText = canonicalBody(envelope);
    envelope.hash = prev = sha256Hex(bodyText);
    return { envelope, bodyText };
  });
};

/** Builds and hashes the chained, unsigned envelopes for facts appended to one stream. */
export const chain = (facts: readonly Fact[], ctx: SealContext): Envelope[] => chainWithText(facts, ctx).map((x) => x.envelope);
