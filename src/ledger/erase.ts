import * as E from 'fp-ts/lib/Either.js';
import { LedgerError } from '../domain/errors.js';
import { decodeEnvelope } from '../seal/envelope.js';
import type { EventStore } from '../store/port.js';
import type { FactInput } from '../domain/facts.js';
import { isIsoTimestamp } from '../domain/ids.js';
import type { Recorded } from './append.js';
import type { Sealer } from './sealer.js';

/** What `erase()` did. */
export interface Erasure {
  /** The subject's pseudonym: what the ledger, its reports and its exports name it by from now on. */
  readonly pseudonym: string;
  /** The SubjectErased fact it recorded. */
  readonly recorded: Recorded;
  /** The data keys it destroyed (also named in the SubjectErased fact). */
  readonly destroyedKeys: readonly string[];
}

export interface EraseDeps {
  readonly store: EventStore;
  readonly sealing: Sealer;
  readonly record: (input: FactInput) => Promise<Recorded[]>;
  readonly writable: () => void;
}

/** Records SubjectErased for `subject` and destroys its data keys (record() does that for every SubjectErased). */
export const eraseWith = async ({ store, sealing, record, writable }: EraseDeps, subject: string, at: string | Date): Promise<Erasure> => {
  writable();
  if (!sealing.active) {
    throw new LedgerError('INVALID_INPUT', 'this ledger has no key store (openLedger({ keyStore })): its facts are in clear, and erasing would destroy nothing', { subject: '(not shown)' });
  }
  const when = typeof at === 'string' ? at : at.toISOString();
  if (!isIsoTimestamp(when)) throw new LedgerError('INVALID_INPUT', `erase: "${when}" is not an ISO-8601 UTC time`, { at: when });
  // Named before recording: the record forgets the subject id, and nothing may bring it back into memory.
  const pseudonym = await sealing.pseudonym(subject);
  const [recorded] = await record({ type: 'SubjectErased', at: when, subject });
  return { pseudonym, recorded: recorded!, destroyedKeys: await destroyedBy(store, recorded!) };
};

/** The key ids the recorded SubjectErased names, read back from the store. */
const destroyedBy = async (store: EventStore, r: Recorded): Promise<string[]> => {
  for await (const ev of store.readStream(r.stream, { fromRevision: BigInt(r.revision) })) {
    const env = decodeEnvelope(ev.data);
    if (E.isRight(env) && env.right.id === r.id && env.right.fact.type === 'SubjectErased') return [...(env.right.fact.dataKeys ?? [])];
    break;
  }
  return [];
};
