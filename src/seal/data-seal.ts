import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { DataKey } from '../store/key-store.js';

/**
 * Crypto-shredding primitives: AES-256-GCM (node:crypto) for the personal fields of a fact,
 * under a key of its subject's own; keyed HMAC-SHA-256 for pseudonyms (a ledger secret) and
 * for tags (a subject key), so equality survives sealing and the fold never decrypts.
 */

/** The sealed personal fields of one fact, as the envelope carries them (base64url). */
export interface SealedBox {
  /** The data key's id: once it is destroyed, the box is noise. */
  readonly key: string;
  readonly nonce: string;
  /** Ciphertext and 16-byte GCM tag. */
  readonly box: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PSEUDONYM_BYTES = 16;
const TAG_VALUE_BYTES = 12;

/** The prefix of a pseudonymous subject id: `ps-` and 32 hex digits (128 bits of HMAC). */
export const PSEUDONYM_PREFIX = 'ps-';
/** The prefix of a sealed free-text field's tag. */
export const TAG_PREFIX = 'sealed:';

/** The pseudonym of a subject id: HMAC-SHA-256 under the ledger secret, 128 bits in hex. */
export const pseudonymOf = (secret: Uint8Array, subject: string): string =>
  PSEUDONYM_PREFIX + createHmac('sha256', secret).update('subject\u0000' + subject).digest().subarray(0, PSEUDONYM_BYTES).toString('hex');

export const isPseudonym = (s: string): boolean => /^ps-[0-9a-f]{32}$/.test(s);

/** The tag key of a data key: tags are HMACs under it, so they die with the key. */
export const tagKeyOf = (key: Uint8Array): Buffer => createHmac('sha256', key).update('privacy-ledger tag key').digest();

/** A deterministic stand-in for a sealed value: equal values of one subject give equal tags. */
export const tagOf = (tagKey: Uint8Array, value: string): string =>
  TAG_PREFIX + createHmac('sha256', tagKey).update(value).digest().subarray(0, TAG_VALUE_BYTES).toString('base64url');

// A data key imported once as a KeyObject, not on every seal; dropped with the key's bytes.
const imported = new WeakMap<Uint8Array, KeyObject>();
const keyObjectOf = (key: DataKey): KeyObject => {
  let k = imported.get(key.key);
  if (k === undefined) imported.set(key.key, (k = createSecretKey(key.key)));
  return k;
};

// Random nonces drawn from a pool: one randomBytes call per 1,024 seals instead of one per seal.
const POOL = NONCE_BYTES * 1024;
let pool = Buffer.alloc(0);
let taken = POOL;
const freshNonce = (): Buffer => {
  if (taken >= POOL) {
    pool = randomBytes(POOL);
    taken = 0;
  }
  const n = pool.subarray(taken, taken + NONCE_BYTES);
  taken += NONCE_BYTES;
  return n;
};

/** Encrypts `plain` under `key`, bound to `aad` (the envelope id): a box moved to another envelope does not open. */
export const sealText = (key: DataKey, plain: string, aad: string): SealedBox => {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(key), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(key.keyId + '\u0000' + aad));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { key: key.keyId, nonce: nonce.toString('base64url'), box: body.toString('base64url') };
};

/** Decrypts a box, or undefined when it does not open under `key` (wrong key, changed bytes, moved box). */
export const openText = (key: DataKey, sealed: SealedBox, aad: string): string | undefined => {
  try {
    const body = Buffer.from(sealed.box, 'base64url');
    const nonce = Buffer.from(sealed.nonce, 'base64url');
    if (body.length < TAG_BYTES || nonce.length !== NONCE_BYTES) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(sealed.key + '\u0000' + aad));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
};
