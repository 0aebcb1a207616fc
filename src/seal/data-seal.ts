import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { DataKey } from '../store/key-store.js';
import { sharedCryptoPool } from './crypto-pool.js';
import { sealLines } from './seal-lines.js';

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
const keyObjectOf = (key: Uint8Array): KeyObject => {
  let k = imported.get(key);
  if (k === undefined) imported.set(key, (k = createSecretKey(key)));
  return k;
};
const inThread = { randomBytes, createCipheriv, createSecretKey: keyObjectOf };

/** One text to seal: under `key`, bound to `aad` (the envelope id), so a box moved to another envelope does not open. */
export interface SealItem {
  readonly key: DataKey;
  readonly plain: string;
  readonly aad: string;
}

/** From this many texts on, a call's sealing goes to the crypto pool's workers instead of this thread. */
export const POOLED_SEALS = 16;

/** The lines sealLines takes, and the keys they index; refuses a field that would break a line. */
const linesOf = (items: readonly SealItem[]): { keys: Uint8Array[]; lines: string } => {
  const index = new Map<string, number>();
  const keys: Uint8Array[] = [];
  const lines = items.map(({ key, plain, aad }, i) => {
    if (/[\t\n]/.test(key.keyId + aad) || plain.includes('\n')) throw new Error(`sealing item ${i}: a key id or associated data with a tab or newline, or a text with a newline, cannot be sealed (texts are canonical JSON)`);
    let k = index.get(key.keyId);
    if (k === undefined) {
      index.set(key.keyId, (k = keys.length));
      keys.push(key.key);
    }
    return `${k}\t${key.keyId}\u0000${aad}\t${plain}`;
  });
  return { keys, lines: lines.join('\n') };
};

const boxesOf = (items: readonly SealItem[], sealed: string): SealedBox[] => {
  const lines = sealed.split('\n');
  if (lines.length !== items.length) throw new Error(`sealing: ${lines.length} boxes came back for ${items.length} texts`);
  return lines.map((line, i) => {
    const tab = line.indexOf('\t');
    return { key: items[i]!.key.keyId, nonce: line.slice(0, tab), box: line.slice(tab + 1) };
  });
};

/** Encrypts `plain` under `key`, bound to `aad` (the envelope id): a box moved to another envelope does not open. */
export const sealText = (key: DataKey, plain: string, aad: string): SealedBox => {
  const items = [{ key, plain, aad }];
  const { keys, lines } = linesOf(items);
  return boxesOf(items, sealLines(inThread, keys, lines))[0]!;
};

/**
 * sealText for many texts, in order: on this thread for fewer than POOLED_SEALS, else as one job
 * on the crypto pool, where the cipher's setup (most of a small text's cost) runs off this thread.
 */
export const sealTexts = async (items: readonly SealItem[]): Promise<SealedBox[]> => {
  if (items.length === 0) return [];
  const { keys, lines } = linesOf(items);
  return boxesOf(items, items.length < POOLED_SEALS ? sealLines(inThread, keys, lines) : await sharedCryptoPool().seal(keys, lines));
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
