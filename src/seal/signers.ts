import * as crypto from 'node:crypto';
import nacl from 'tweetnacl';
import { LedgerError } from '../domain/errors.js';
import { sharedCryptoPool } from './crypto-pool.js';
import { sha256Hex } from './hash.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Signs with one Ed25519 key. Ed25519 is deterministic: both implementations give
 * byte-identical signatures for the same seed and message (test/seal/signers.test.ts).
 */
export interface Signer {
  readonly keyId: string;
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  readonly implementation: 'node:crypto' | 'tweetnacl';
  sign(message: Uint8Array): Uint8Array;
  /** Signs a batch; node:crypto spreads it over worker threads, one message per batch. */
  signMany(messages: readonly Uint8Array[]): Promise<Uint8Array[]>;
}

export interface SignatureVerifier {
  readonly implementation: 'node:crypto' | 'tweetnacl';
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
  /** Verifies a batch; node:crypto spreads it over worker threads, one message per batch. */
  verifyMany(items: readonly (readonly [message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array])[]): Promise<boolean[]>;
}

/** The key id a public key gets unless its owner names one: `k-` and 16 hex of its SHA-256. */
export const keyIdOf = (publicKey: Uint8Array): string => 'k-' + sha256Hex(publicKey).slice(0, 16);

const checkSeed = (seed: Uint8Array): void => {
  if (seed.length !== 32) throw new LedgerError('KEY_INVALID', `an Ed25519 secret seed is 32 bytes, got ${seed.length}`);
};

const nodePrivateKey = (seed: Uint8Array): crypto.KeyObject =>
  crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });

const publicKeyObjects = new Map<string, crypto.KeyObject>();
const nodePublicKey = (publicKey: Uint8Array): crypto.KeyObject => {
  const hex = Buffer.from(publicKey).toString('hex');
  let key = publicKeyObjects.get(hex);
  if (!key) {
    key = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
    publicKeyObjects.set(hex, key);
  }
  return key;
};

/** The raw public key of a seed, by node:crypto. */
export const publicKeyOfSeed = (seed: Uint8Array): Uint8Array => {
  checkSeed(seed);
  const spki = crypto.createPublicKey(nodePrivateKey(seed)).export({ format: 'der', type: 'spki' });
  return Uint8Array.from(spki.subarray(spki.length - 32));
};

/** The default signer: node:crypto, ~100x faster than tweetnacl, with async signing on the thread pool. */
export const nodeSigner = (seed: Uint8Array, keyId?: string): Signer => {
  checkSeed(seed);
  const key = nodePrivateKey(seed);
  const publicKey = publicKeyOfSeed(seed);
  const seedHex = Buffer.from(seed).toString('hex');
  return {
    keyId: keyId ?? keyIdOf(publicKey),
    publicKey,
    implementation: 'node:crypto',
    sign: (message) => Uint8Array.from(crypto.sign(null, message, key)),
    signMany: (messages) => sharedCryptoPool().sign(seedHex, messages),
  };
};

/** The portable signer: tweetnacl, pure JavaScript (browsers, offline verifiers). */
export const naclSigner = (seed: Uint8Array, keyId?: string): Signer => {
  checkSeed(seed);
  const pair = nacl.sign.keyPair.fromSeed(seed);
  const sign = (message: Uint8Array) => nacl.sign.detached(message, pair.secretKey);
  return {
    keyId: keyId ?? keyIdOf(pair.publicKey),
    publicKey: pair.publicKey,
    implementation: 'tweetnacl',
    sign,
    signMany: async (messages) => messages.map(sign),
  };
};

export const nodeVerifier: SignatureVerifier = {
  implementation: 'node:crypto',
  verify: (message, signature, publicKey) =>
    signature.length === 64 && publicKey.length === 32 && crypto.verify(null, message, nodePublicKey(publicKey), signature),
  verifyMany: (items) => sharedCryptoPool().verify(items),
};

export const naclVerifier: SignatureVerifier = {
  implementation: 'tweetnacl',
  verify: (message, signature, publicKey) =>
    signature.length === 64 && publicKey.length === 32 && nacl.sign.detached.verify(message, signature, publicKey),
  verifyMany: async (items) => items.map(([m, s, p]) => naclVerifier.verify(m, s, p)),
};

/** A fresh random 32-byte seed. */
export const randomSeed = (): Uint8Array => Uint8Array.from(crypto.randomBytes(32));
