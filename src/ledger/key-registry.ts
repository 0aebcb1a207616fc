import * as E from 'fp-ts/lib/Either.js';
import { decodeEnvelope } from '../seal/envelope.js';
import type { EventStore } from '../store/port.js';

/** One key as the ledger's `keys` stream records it. */
export interface RegisteredKey {
  readonly keyId: string;
  readonly publicKey: string;
  readonly owner: string;
  readonly registeredAt: string;
  /** The KeyRegistered event. */
  readonly eventId: string;
  /** The key that signed the registration: the key itself when it registered on its own first use, else the key that endorsed it. */
  readonly endorsedBy: string;
  readonly revoked?: { readonly at: string; readonly reason: string; readonly eventId: string; readonly by: string };
}

/** Every key the ledger registers, in the order registered, with its revocation if any. */
export const registeredKeys = async (store: EventStore): Promise<RegisteredKey[]> => {
  const keys = new Map<string, RegisteredKey>();
  for await (const ev of store.readStream('keys')) {
    const r = decodeEnvelope(ev.data);
    if (E.isLeft(r)) continue; // verify names what is not an envelope
    const { fact, keyId: by, id } = r.right;
    if (fact.type === 'KeyRegistered' && !keys.has(fact.keyId)) {
      keys.set(fact.keyId, { keyId: fact.keyId, publicKey: fact.publicKey, owner: fact.owner, registeredAt: fact.at, eventId: id, endorsedBy: by });
    }
    const known = fact.type === 'KeyRevoked' ? keys.get(fact.keyId) : undefined;
    if (fact.type === 'KeyRevoked' && known && !known.revoked) keys.set(fact.keyId, { ...known, revoked: { at: fact.at, reason: fact.reason, eventId: id, by } });
  }
  return [...keys.values()];
};
