// The bundle verifier's Ed25519: WebCrypto and tweetnacl give the same answers, on valid
// signatures and on every kind of broken one; Node's webcrypto has Ed25519, so Node uses it.
import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { ed25519Implementation, verifyEd25519, type Ed25519Item } from '../../src/bundle/ed25519.js';
import { mulberry32 } from '../helpers/prng.js';

describe('Ed25519 for the bundle verifier', () => {
  it('WebCrypto and tweetnacl agree on 200 valid and 200 broken signatures', async () => {
    const next = mulberry32(5);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
    const items: Ed25519Item[] = [];
    for (let i = 0; i < 200; i++) {
      const pair = nacl.sign.keyPair.fromSeed(bytes(32));
      const msg = bytes(32);
      const sig = nacl.sign.detached(msg, pair.secretKey);
      items.push([msg, sig, pair.publicKey]);
      const broken = Uint8Array.from(sig);
      broken[i % 64]! ^= 1 << (i % 8);
      const other = nacl.sign.keyPair.fromSeed(bytes(32)).publicKey;
      items.push(i % 3 === 0 ? [msg, broken, pair.publicKey] : i % 3 === 1 ? [msg, sig, other] : [Uint8Array.from(msg, (b, j) => (j === 0 ? b ^ 1 : b)), sig, pair.publicKey]);
    }
    items.push([new Uint8Array(32), new Uint8Array(63), new Uint8Array(32)], [new Uint8Array(32), new Uint8Array(64), new Uint8Array(31)]);
    const web = await verifyEd25519(items, 'webcrypto');
    const js = await verifyEd25519(items, 'tweetnacl');
    expect(web).toEqual(js);
    expect(js.filter(Boolean)).toHaveLength(200);
    expect(await ed25519Implementation()).toBe('webcrypto');
  });
});
