// privacy-ledger/verify: the verdict-bundle verifier with no Node API in its import graph,
// for offline verifiers and browsers (the static page is built from it). Keys are passed in:
// the ledger's `.pub` files, never keys taken from the bundle alone.
export { verifyBundle, deriveVerdict, describe, type VerifyBundleOptions, type BundleVerification } from './bundle/verify-bundle.js';
export { decodeBundle, type DecodedBundle, type DecodedStream } from './bundle/shape.js';
export { parsePublicKeyFile, walkKeyTrust, type GivenKey, type KeyTrust } from './bundle/key-trust.js';
export { BUNDLE_CHECKS, CHECK_TITLES, CHECK_OF, type BundleCheck, type BundleCheckId, type BundleFinding, type BundleFindingCode } from './bundle/findings.js';
export { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type VerdictBundle, type BundleStream, type BundleInclusion } from './bundle/format.js';
export { verdictWords, verificationWords } from './bundle/words.js';
export { factVerdict, PROVABLE_TYPES, type FactVerdict, type ProvableType } from './projection/fact-verdict.js';
export { sha256, sha256HexOf } from './seal/sha256.js';
