import type { Envelope } from '../seal/envelope-types.js';
import { hexDecode, hexEncode } from '../seal/bytes.js';
import type { BundleFinding } from './findings.js';

/** A public key given from outside: what a `.pub` file holds. */
export interface GivenKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

interface KeyState {
  readonly publicKey: Uint8Array;
  revoked: boolean;
  /** The keys stream revision that revoked it. */
  revokedAt?: number;
}

/** The keys trusted after a walk of the keys stream, and what each envelope of it was signed under. */
export interface KeyTrust {
  /** The key an envelope of any stream names, if trusted (revoked or not). */
  key(keyId: string): { readonly publicKey: Uint8Array; readonly revoked: boolean; readonly revokedAt?: number } | undefined;
  /** Every key trusted at some point (a checkpoint may be signed by any of them). */
  readonly all: readonly GivenKey[];
  /** For each keys-stream envelope, the key that signed it as trusted at that point (undefined: not trusted then). */
  readonly signerAt: readonly ({ readonly publicKey: Uint8Array; readonly revoked: boolean } | undefined)[];
  readonly findings: readonly BundleFinding[];
}

/**
 * The trust chain as the ledger's verifier applies it (src/seal/verify.ts), with the keys
 * given from outside as its only roots: a KeyRegistered counts only when signed by a key
 * trusted and unrevoked at that point, and never by the key it registers; a KeyRevoked only
 * when signed by a trusted key. Signatures themselves are checked by the caller.
 */
export const walkKeyTrust = (given: readonly GivenKey[], keysStream: readonly Envelope[]): KeyTrust => {
  const keys = new Map<string, KeyState>(given.map((k) => [k.keyId, { publicKey: k.publicKey, revoked: false }]));
  const findings: BundleFinding[] = [];
  const signerAt: ({ publicKey: Uint8Array; revoked: boolean } | undefined)[] = [];
  const trusted = (keyId: string): KeyState | undefined => {
    const k = keys.get(keyId);
    return k !== undefined && !k.revoked ? k : undefined;
  };
  for (const env of keysStream) {
    const signer = keys.get(env.keyId);
    signerAt.push(signer === undefined ? undefined : { publicKey: signer.publicKey, revoked: signer.revoked });
    const f = env.fact;
    const where = { stream: env.stream, eventId: env.id };
    if (f.type === 'KeyRegistered') {
      const existing = keys.get(f.keyId);
      if (existing !== undefined) {
        if (hexEncode(existing.publicKey) !== f.publicKey) findings.push({ code: 'UNTRUSTED_KEY', message: `registers key "${f.keyId}" again with another public key`, ...where });
      } else if (trusted(env.keyId) !== undefined && env.keyId !== f.keyId) {
        keys.set(f.keyId, { publicKey: hexDecode(f.publicKey)!, revoked: false });
      } else {
        findings.push({
          code: 'UNTRUSTED_KEY',
          message: `registers key "${f.keyId}", signed by "${env.keyId}", which is not a trusted key: a key counts only when a key given with --trust endorses it`,
          ...where,
        });
      }
    } else if (f.type === 'KeyRevoked') {
      if (trusted(env.keyId) === undefined) {
        findings.push({ code: 'UNTRUSTED_REVOCATION', message: `revokes key "${f.keyId}" but is signed by "${env.keyId}", which is not a trusted key`, ...where });
      } else {
        const k = keys.get(f.keyId);
        if (k !== undefined && !k.revoked) {
          k.revoked = true;
          k.revokedAt = env.revision;
        }
      }
    }
  }
  return {
    key: (keyId) => keys.get(keyId),
    all: [...keys].map(([keyId, k]) => ({ keyId, publicKey: k.publicKey })),
    signerAt,
    findings,
  };
};

/** A `.pub` file's text (as `privacy-ledger keygen` writes it) as a key; throws naming what is wrong. */
export const parsePublicKeyFile = (text: string, name = 'the key file'): GivenKey => {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not a public key file (not JSON)`);
  }
  const o = v as { keyId?: unknown; publicKey?: unknown };
  if (typeof v !== 'object' || v === null || typeof o.keyId !== 'string' || o.keyId.length === 0) throw new Error(`${name} is not a public key file (no "keyId")`);
  if (typeof o.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(o.publicKey)) throw new Error(`${name} is not a public key file ("publicKey" is not 64 hex characters)`);
  return { keyId: o.keyId, publicKey: hexDecode(o.publicKey)! };
};
