/** The checks a bundle verifier runs, in the order it reports them. */
export const BUNDLE_CHECKS = ['format', 'hashes', 'chains', 'keys', 'signatures', 'checkpoint', 'witnesses', 'inclusion', 'verdict'] as const;
export type BundleCheckId = (typeof BUNDLE_CHECKS)[number];

/** What each check establishes, as the page and verify-bundle print it. */
export const CHECK_TITLES: Readonly<Record<BundleCheckId, string>> = {
  format: 'the document is a verdict bundle of a format version this verifier reads',
  hashes: 'every envelope hashes to its hash, names this ledger and sits in its own stream',
  chains: 'every stream prefix is one unbroken chain from revision 0 (nothing dropped or inserted)',
  keys: 'every key that signed counts: given with --trust, or endorsed by a key that does',
  signatures: 'every envelope is covered by a valid Ed25519 signature of a trusted key',
  checkpoint: 'the checkpoint is signed by a trusted key of this ledger',
  witnesses: 'the checkpoint carries the cosignature of every required witness',
  inclusion: 'each prefix is in the checkpointed log, and came before the judged fact',
  verdict: 'the verdict re-derived from the bundled facts by the rules is the one the bundle states',
};

export type BundleFindingCode =
  | 'BUNDLE_MALFORMED' // not a bundle, an unknown format version, a field of the wrong shape
  | 'MALFORMED_EVENT' // an envelope that does not decode
  | 'HASH_MISMATCH' // an envelope changed after it was sealed
  | 'FOREIGN_LEDGER' // an envelope of another ledger
  | 'WRONG_STREAM' // an envelope in a stream it does not belong to
  | 'REVISION_GAP' // a prefix does not count revisions 0, 1, 2, …
  | 'BROKEN_CHAIN' // a `prev` that is not the previous envelope's hash
  | 'UNTRUSTED_KEY' // a key registration no trusted key endorsed
  | 'UNTRUSTED_REVOCATION' // a revocation not signed by a trusted key
  | 'UNKNOWN_KEY' // signed by a key that is not trusted
  | 'REVOKED_KEY' // signed by a key revoked before the judged fact (or not placed after it)
  | 'BAD_SIGNATURE' // a signature that does not verify, or an envelope no signature covers
  | 'CHECKPOINT_INVALID' // the checkpoint note does not parse, is of another ledger, or no trusted key signed it
  | 'WITNESS_MISSING' // a required witness's cosignature is missing or does not verify
  | 'INCLUSION_FAILED' // an inclusion proof that does not lead to the checkpoint's root
  | 'PREFIX_ORDER' // a prefix that does not end before the judged fact
  | 'STREAM_MISSING' // the judged fact's stream or the policy stream is not in the bundle
  | 'VERDICT_MISMATCH'; // the stated verdict is not the re-derived one

export const CHECK_OF: Readonly<Record<BundleFindingCode, BundleCheckId>> = {
  BUNDLE_MALFORMED: 'format',
  STREAM_MISSING: 'format',
  MALFORMED_EVENT: 'hashes',
  HASH_MISMATCH: 'hashes',
  FOREIGN_LEDGER: 'hashes',
  WRONG_STREAM: 'hashes',
  REVISION_GAP: 'chains',
  BROKEN_CHAIN: 'chains',
  UNTRUSTED_KEY: 'keys',
  UNTRUSTED_REVOCATION: 'keys',
  UNKNOWN_KEY: 'signatures',
  REVOKED_KEY: 'signatures',
  BAD_SIGNATURE: 'signatures',
  CHECKPOINT_INVALID: 'checkpoint',
  WITNESS_MISSING: 'witnesses',
  INCLUSION_FAILED: 'inclusion',
  PREFIX_ORDER: 'inclusion',
  VERDICT_MISMATCH: 'verdict',
};

/** One thing wrong with a bundle, naming where. */
export interface BundleFinding {
  readonly code: BundleFindingCode;
  readonly message: string;
  readonly stream?: string;
  readonly eventId?: string;
}

/** One check and how it went; `skipped` when what it needs did not verify. */
export interface BundleCheck {
  readonly check: BundleCheckId;
  readonly title: string;
  readonly ok: boolean;
  readonly skipped?: true;
  readonly findings: readonly BundleFinding[];
}
