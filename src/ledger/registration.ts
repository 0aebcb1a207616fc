import * as E from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import type { Fact, FactInput } from '../domain/facts.js';
import { LedgerError, isLedgerError } from '../domain/errors.js';
import { policyPublished, type Policy } from '../domain/policy.js';
import { decodeEnvelope } from '../seal/envelope.js';
import { bytesToHex } from '../seal/hash.js';
import type { Signer } from '../seal/signers.js';
import type { EventStore } from '../store/port.js';
import type { Recorded } from './append.js';

// Fixed namespace for ids the ledger derives itself (key registrations, policy publications), so two
// processes opening the same ledger at once record them once.
const LEDGER_NAMESPACE = '4b0c3d36-2f4b-4a63-9a1f-6c2f7f0e9d11';

export interface RegistrationDeps {
  readonly record: (f: FactInput | readonly FactInput[]) => Promise<Recorded[]>;
  readonly store: EventStore;
  readonly signer: Signer;
  /** The policy the ledger is opened with. */
  readonly policy: Policy;
  readonly clock: () => Date;
}

/** Facts of one stream, decoded; what is not an envelope is skipped (verify reports it). */
async function* factsOf(store: EventStore, stream: string): AsyncIterable<Fact> {
  for await (const ev of store.readStream(stream)) {
    const env = decodeEnvelope(ev.data);
    if (E.isRight(env)) yield env.right.fact;
  }
}

/** The KeyRegistered of a ledger's first key: its id derived, so two processes creating one ledger record it once. */
export const keyRegistration = (signer: Signer, keyOwner: string | undefined, clock: () => Date): FactInput => {
  const publicKey = bytesToHex(signer.publicKey);
  return {
    type: 'KeyRegistered',
    at: clock().toISOString(),
    id: uuidv5(`key:${signer.keyId}:${publicKey}`, LEDGER_NAMESPACE),
    keyId: signer.keyId,
    publicKey,
    owner: keyOwner ?? 'privacy-ledger',
  };
};

/** Registers the signer's key and publishes the policy, each once however many processes open the ledger. */
export const registerKeyAndPolicy = async ({ record, store, signer, policy, clock }: RegistrationDeps): Promise<void> => {
  const publicKey = bytesToHex(signer.publicKey);
  let registered = false;
  let keysKnown = 0;
  for await (const f of factsOf(store, 'keys')) {
    if (f.type === 'KeyRegistered') keysKnown++;
    if (f.type === 'KeyRegistered' && f.keyId === signer.keyId) {
      if (f.publicKey !== publicKey) {
        throw new LedgerError('SIGNER_MISMATCH', `key id "${signer.keyId}" is registered in this ledger with another public key`, { keyId: signer.keyId });
      }
      registered = true;
    }
    if (f.type === 'KeyRevoked' && f.keyId === signer.keyId) {
      throw new LedgerError('KEY_INVALID', `key "${signer.keyId}" was revoked in this ledger (${f.reason}); sign with another key`, { keyId: signer.keyId });
    }
  }
  if (!registered) {
    // A key registering itself into a ledger that has one would be trusted by nobody: refuse it here.
    throw new LedgerError(
      'KEY_INVALID',
      `key "${signer.keyId}" is not registered in this ledger (${keysKnown} key(s) are): a key counts only when a trusted key endorses it. ` +
        'Record its KeyRegistered with a current key first (privacy-ledger keys add --endorse-with CURRENT.key), then sign with it.',
      { keyId: signer.keyId },
    );
  }
  const now = clock().toISOString();
  // Another process opening at the same moment records the same derived id with its own `at`: theirs stands.
  const once = (p: Promise<unknown>) => p.catch((e) => { if (!isLedgerError(e, 'DUPLICATE_EVENT_ID')) throw e; });
  for await (const f of factsOf(store, 'policy')) if (f.type === 'PolicyPublished' && f.version === policy.version) return;
  await once(record({ ...policyPublished(policy, now), id: uuidv5(`policy:${policy.version}`, LEDGER_NAMESPACE) }));
};
