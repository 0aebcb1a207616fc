import type { Envelope } from '../seal/envelope-types.js';
import type { FactVerdict } from '../projection/fact-verdict.js';

/** What a verdict bundle says it is (schemas/bundle.schema.json). */
export const BUNDLE_FORMAT = 'privacy-ledger/verdict-bundle';
/** The bundle format this code writes and reads; a verifier refuses any other. */
export const BUNDLE_FORMAT_VERSION = 1;

/** The RFC 9162 inclusion proof of one envelope in the checkpoint's tree. */
export interface BundleInclusion {
  /** The envelope's leaf index: its place in the log (0 is the first envelope ever stored). */
  readonly leafIndex: number;
  /** Sibling hashes from the leaf up to the root, hex. */
  readonly proof: readonly string[];
}

/**
 * A prefix of one stream, from revision 0. Its first `folded` envelopes are the ones that
 * came before the judged fact in the log (the judged fact's own stream: up to and including
 * it; the keys stream: everything the checkpoint covers); those are what the verdict is
 * re-derived from and what the keys are trusted by. Any envelopes after them are there only
 * because the signature that covers the last folded one (per-batch signing) comes later.
 */
export interface BundleStream {
  readonly stream: string;
  readonly envelopes: readonly Envelope[];
  readonly folded: number;
  /** Ties envelope `folded - 1` (and through the chain every one before it) to the checkpoint. */
  readonly inclusion: BundleInclusion;
  /** Inclusion proofs of further envelopes whose place in the log matters: each KeyRevoked of the keys stream. */
  readonly placed?: readonly (BundleInclusion & { readonly revision: number })[];
}

/**
 * One verdict and everything it rests on, checkable with public keys alone: the judged
 * envelope's stream and the streams the rule reads (policy; the staff member's or the
 * subject's; the keys), a signed checkpoint that covers them, and the verdict as the ledger
 * stated it. It holds that subject's facts: it is personal data.
 */
export interface VerdictBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: typeof BUNDLE_FORMAT_VERSION;
  /** The ledger's identity: the origin of its checkpoints, written into every envelope. */
  readonly ledger: string;
  /** The judged fact. */
  readonly eventId: string;
  /** The signed checkpoint (C2SP tlog-checkpoint note, with any cosignatures). */
  readonly checkpoint: string;
  readonly streams: readonly BundleStream[];
  /** The verdict as the ledger stated it when the bundle was made. */
  readonly verdict: FactVerdict;
  /** When and by what the bundle was made: informative, not checked. */
  readonly createdAt: string;
  readonly generator: string;
}
