// Ed25519 verification for the bundle verifier: the platform's WebCrypto where it has Ed25519
// (browsers, Node 20), about fifty times faster than JavaScript, else tweetnacl. Both are
// standard Ed25519; test/bundle/ed25519.test.ts holds them to the same answers.
import nacl from 'tweetnacl';

export type Ed25519Item = readonly [message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array];

interface Subtle {
  importKey(format: 'raw', key: Uint8Array, algorithm: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

const subtle = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;

const naclOne = ([m, s, p]: Ed25519Item): boolean => s.length === 64 && p.length === 32 && nacl.sign.detached.verify(m, s, p);

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
// RFC 8032 §7.1, test 1: a known signature of the empty message, to probe WebCrypto without key generation.
const PROBE_KEY = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const PROBE_SIG = fromHex('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');

let webCrypto: Promise<boolean> | undefined;
/** Whether WebCrypto verifies Ed25519 here (checked once, on RFC 8032's first vector). */
const haveWebCrypto = (): Promise<boolean> =>
  (webCrypto ??= (async () => {
    if (subtle === undefined) return false;
    try {
      const key = await subtle.importKey('raw', PROBE_KEY, { name: 'Ed25519' }, false, ['verify']);
      return (await subtle.verify({ name: 'Ed25519' }, key, PROBE_SIG, new Uint8Array(0))) === true;
    } catch {
      return false;
    }
  })());

/** Verifies every item; one boolean each. `implementation` forces one (tests). */
export const verifyEd25519 = async (items: readonly Ed25519Item[], implementation?: 'webcrypto' | 'tweetnacl'): Promise<boolean[]> => {
  const useWeb = implementation === 'webcrypto' || (implementation === undefined && (await haveWebCrypto()));
  if (!useWeb || subtle === undefined) return items.map(naclOne);
  const keys = new Map<string, Promise<unknown>>();
  const keyOf = (p: Uint8Array): Promise<unknown> => {
    const id = Array.from(p, (b) => b.toString(16).padStart(2, '0')).join('');
    let k = keys.get(id);
    if (k === undefined) keys.set(id, (k = subtle.importKey('raw', p, { name: 'Ed25519' }, false, ['verify'])));
    return k;
  };
  return Promise.all(
    items.map(async ([m, s, p]) => {
      if (s.length !== 64 || p.length !== 32) return false;
      try {
        return await subtle.verify({ name: 'Ed25519' }, await keyOf(p), s, m);
      } catch {
        return false;
      }
    }),
  );
};

/** Which implementation verifyEd25519 uses here. */
export const ed25519Implementation = async (): Promise<'webcrypto' | 'tweetnacl'> => ((await haveWebCrypto()) ? 'webcrypto' : 'tweetnacl');
