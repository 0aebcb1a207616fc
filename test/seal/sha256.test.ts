// The pure-JavaScript SHA-256 of the Node-free verifier, held to node:crypto: FIPS 180-4's
// examples, every length around the padding boundaries, and seeded random inputs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha256HexOf } from '../../src/seal/sha256.js';
import { sha256Hex } from '../../src/seal/hash.js';
import { mulberry32 } from '../helpers/prng.js';

const nodeHex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('sha256 (pure JavaScript)', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(sha256HexOf('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256HexOf('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256HexOf('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256HexOf('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto on every length from 0 to 300 bytes (each padding case)', () => {
    const next = mulberry32(9);
    for (let n = 0; n <= 300; n++) {
      const data = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      expect(hex(sha256(data)), `length ${n}`).toBe(nodeHex(data));
    }
  });

  it('agrees with node:crypto on 500 random inputs up to 20 KB, and on UTF-8 text as sha256Hex hashes it', () => {
    const next = mulberry32(42);
    for (let i = 0; i < 500; i++) {
      const data = Uint8Array.from({ length: Math.floor(next() * 20_000) }, () => Math.floor(next() * 256));
      expect(hex(sha256(data))).toBe(nodeHex(data));
    }
    for (const text of ['{"fact":{"type":"DataUsed"}}', 'ünïcødé ✓ 😀', '\u2014 origin']) expect(sha256HexOf(text)).toBe(sha256Hex(text));
  });

  it('reads a subarray by its own offset, not its buffer\'s', () => {
    const whole = Uint8Array.from({ length: 200 }, (_, i) => i);
    const part = whole.subarray(37, 150);
    expect(hex(sha256(part))).toBe(nodeHex(Uint8Array.from(part)));
  });
});
