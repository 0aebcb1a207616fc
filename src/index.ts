// The public API of privacy-ledger. Service code needs only openLedger, a store and a signer;
// auditors add verify/audit; everything returns Promises and rejects with LedgerError.
export * from './domain/index.js';
export { canonicalize } from './seal/canonical.js';
export { sha256Hex } from './seal/hash.js';
export { GENESIS, chain, decodeEnvelope, hashOf, bodyOf, type Envelope, type EnvelopeBody, type SigningMode, type ChainHead } from './seal/envelope.js';
export { nodeSigner, naclSigner, nodeVerifier, naclVerifier, keyIdOf, publicKeyOfSeed, randomSeed, type Signer, type SignatureVerifier } from './seal/signers.js';
export { generateKeyFiles, loadSigner, loadTrustedKey, type TrustedKey, type PublicKeyFile, type SecretKeyFile } from './seal/keys.js';
export { type Accepted, type Refused, type Checked, type Holds, type ProofCheck } from './seal/checked.js';
export { HASH_SIZE, EMPTY_ROOT, leafHash, nodeHash, verifyInclusion, verifyConsistency, type InclusionClaim, type ConsistencyClaim } from './seal/merkle.js';
export { compactRange, compactRangeFromJSON, type CompactRange, type CompactRangeState } from './seal/compact-range.js';
export { merkleLog, type MerkleLog } from './seal/merkle-log.js';
export {
  SIG_TYPE_ED25519, SIG_TYPE_COSIGNATURE_V1, MAX_SIGNATURES, naclVerify, keyHashOf, isValidKeyName, formatVerifierKey, parseVerifierKey, logKeyVerifier,
  ed25519NoteSigner, ed25519NoteVerifier, signNote, addSignatures, splitNote, openNote,
  type SignatureType, type Ed25519Verify, type Ed25519SigningKey, type NoteSigner, type NoteVerifier, type NoteVerifierKey, type NoteSignature,
  type OpenedNote, type SplitNote,
} from './seal/note.js';
export {
  formatCheckpoint, parseCheckpoint, signCheckpoint, openCheckpoint, cosign, cosignatureKeyHash, cosignatureVerifier, witnessKey,
  verifyCosignature, verifyCosignatures,
  type LogCheckpoint, type OpenCheckpointOptions, type OpenedCheckpoint, type WitnessSigner, type Cosignature,
} from './seal/checkpoint.js';
export { decodeStored, duplicateKey, storedTextOf } from './seal/strict-json.js';
export { integrityChecker, type IntegrityCode, type IntegrityFinding, type IntegrityOptions } from './seal/verify.js';
export * from './store/port.js';
export { memoryStore } from './store/memory.js';
export { memoryKeyStore, type KeyStore, type DataKey } from './store/key-store.js';
export { pseudonymOf, type SealedBox } from './seal/data-seal.js';
// The durable stores are entry points of their own (privacy-ledger/sqlite, /eventstoredb, /postgres),
// so that this one loads no database client; openStore loads the one a connection string names.
export { openStore, DEFAULT_LEDGER_PATH } from './store/open.js';
export { parseConnectionString, redactLedgerSpec, type ParsedConnectionString } from './store/redact.js';
export * from './projection/index.js';
export { openLedger, type Ledger, type LedgerOptions, type Recorded, type LawfulRecord, type Explanation, type ExplainedViolation, type RuleRef, type VerifyResult, type Erasure } from './ledger/ledger.js';
export { parseFactLines, type LineError, type ParsedFacts } from './ledger/import.js';
