import { createHash } from 'node:crypto';
import * as crypto from 'node:crypto';

// crypto.hash (one-shot) arrived in Node 20.12; fall back to createHash before that.
const oneShot = (crypto as { hash?: (alg: string, data: string | Uint8Array, enc: 'hex') => string }).hash;

/** Hex SHA-256 of a UTF-8 string or bytes. */
export const sha256Hex = (data: string | Uint8Array): string =>
  oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');

export const hexToBytes = (hex: string): Uint8Array => {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new TypeError('not a hex string');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
};

/** Bytes of hex a codec or our own hashing has already checked: no second validation or copy on the hot path. */
export const checkedHexBytes = (hex: string): Uint8Array => Buffer.from(hex, 'hex');

export const bytesToHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
