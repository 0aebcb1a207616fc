// The public API of privacy-ledger. Service code needs only openLedger, a store and a signer;
// auditors add verify/audit; everything returns Promises and rejects with LedgerError.
export * from './domain/index.js';
export { canonicalize } from './seal/canonical.js';
export { sha256Hex } from './seal/hash.js';
export { GENESIS, chain, decodeEnvelope, hashOf, bodyOf, type Envelope, type EnvelopeBody, type SigningMode, type ChainHead } from './seal/envelope.js';
export { nodeSigner, naclSigner, nodeVerifier, naclVerifier, keyIdOf, publicKeyOfSeed, randomSeed, type Signer, type SignatureVerifier } from './seal/signers.js';
export { generateKeyFiles, loadSigner, loadTrustedKey, type TrustedKey, type PublicKeyFile, type SecretKeyFile } from './seal/keys.js';
export { decodeStored, duplicateKey, storedTextOf } from './seal/strict-json.js';
export { integrityChecker, type IntegrityCode, type IntegrityFinding, type IntegrityOptions } from './seal/verify.js';
export * from './store/port.js';
export { memoryStore } from './store/memory.js';
export { sqliteStore, type SqliteStoreOptions } from './store/sqlite.js';
export { eventStoreDBStore, eventStoreDBStoreFromConnectionString } from './store/eventstoredb.js';
export { openStore, DEFAULT_LEDGER_PATH } from './store/open.js';
export { parseConnectionString, redactLedgerSpec, type ParsedConnectionString } from './store/redact.js';
export * from './projection/index.js';
export { openLedger, type Ledger, type LedgerOptions, type Recorded, type VerifyResult } from './ledger/ledger.js';
export { parseFactLines, type LineError, type ParsedFacts } from './ledger/import.js';
