import * as E from 'fp-ts/lib/Either.js';
import { v5 as uuidv5 } from 'uuid';
import { newEventId } from '../seal/ids.js';
import { decodeFact, type Fact, type FactInput } from '../domain/facts.js';
import { LedgerError, isLedgerError } from '../domain/errors.js';
import type { FieldError } from '../domain/codec.js';
import { policyPublished, seedPolicy, type Policy } from '../domain/policy.js';
import { streamOf } from '../domain/streams.js';
import { canonicalize } from '../seal/canonical.js';
import { decodeEnvelope, seal, type Envelope, type SigningMode } from '../seal/envelope.js';
import { bytesToHex } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import type { Signer } from '../seal/signers.js';
import { integrityChecker, type IntegrityFinding } from '../seal/verify.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { headCache, readHead, streamLocks } from './heads.js';

export interface LedgerOptions {
  readonly store: EventStore;
  /** Needed to record; a ledger opened without one can only read and verify. */
  readonly signer?: Signer;
  /** Keys an auditor trusts from outside the ledger (see IntegrityOptions.trust). */
  readonly trust?: readonly TrustedKey[];
  /** Published into the ledger on open unless that version is there already. Default: the seed policy. */
  readonly policy?: Policy;
  readonly signing?: SigningMode;
  /** Who owns the signer's key, for its KeyRegistered fact. */
  readonly keyOwner?: string;
  /** How often record() retries after losing a race or a dropped connection. Default 10. */
  readonly maxRetries?: number;
}

/** What record() did with one fact. */
export interface Recorded {
  readonly id: string;
  readonly type: Fact['type'];
  readonly stream: string;
  readonly revision: number;
  readonly hash: string;
  /** True when the fact's id was already recorded with the same content: an idempotent retry, nothing appended. */
  readonly duplicate: boolean;
}

export interface VerifyResult {
  readonly store: string;
  readonly checked: number;
  readonly findings: IntegrityFinding[];
}

export interface VerifyOptions {
  readonly onProgress?: (checked: number) => void;
}

// Fixed namespace for ids the ledger derives itself (key registrations, policy publications), so two
// processes opening the same ledger at once record them once.
const LEDGER_NAMESPACE = '4b0c3d36-2f4b-4a63-9a1f-6c2f7f0e9d11';

interface Pending {
  readonly index: number;
  readonly id: string;
  /** The caller gave the id: it may be a retry of something already recorded. */
  readonly explicit: boolean;
  readonly fact: Fact;
}

/** Decodes every input first: one bad fact refuses the whole call, naming each bad field by index. */
const decodeAll = (inputs: readonly unknown[]): Pending[] => {
  const errors: (FieldError & { index: number })[] = [];
  const pending: Pending[] = [];
  inputs.forEach((input, index) => {
    const r = decodeFact(input);
    if (E.isLeft(r)) errors.push(...r.left.map((e) => ({ index, ...e })));
    else {
      const { id, ...fact } = r.right;
      pending.push({ index, id: id ?? newEventId(), explicit: id !== undefined, fact: fact as Fact });
    }
  });
  if (errors.length > 0) {
    const text = errors.map((e) => (inputs.length > 1 ? `fact ${e.index}: ` : '') + `${e.field}: ${e.message}`).join('; ');
    throw new LedgerError('INVALID_FACT', `invalid fact: ${text}`, { errors });
  }
  return pending;
};

const sameFact = (a: Fact, b: Fact): boolean => canonicalize(a) === canonicalize(b);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const openLedger = async (options: LedgerOptions) => {
  const { store, signer } = options;
  const mode = options.signing ?? 'per-event';
  const maxRetries = options.maxRetries ?? 10;
  const heads = headCache();
  const locked = streamLocks();
  let closed = false;

  /** Envelopes already in the stream whose ids are among `ids`, scanning from `fromRevision`. */
  const existing = async (stream: string, ids: Set<string>, fromRevision: bigint): Promise<Map<string, Envelope>> => {
    const found = new Map<string, Envelope>();
    for await (const ev of store.readStream(stream, { fromRevision })) {
      if (!ids.has(ev.id)) continue;
      const env = decodeEnvelope(ev.data);
      if (E.isRight(env)) found.set(ev.id, env.right);
      if (found.size === ids.size) break;
    }
    return found;
  };

  const asRecorded = (env: Envelope, duplicate: boolean): Recorded => ({
    id: env.id,
    type: env.fact.type,
    stream: env.stream,
    revision: env.revision,
    hash: env.hash,
    duplicate,
  });

  /** Splits out facts already recorded under their id; refuses an id reused for a different fact. */
  const dropRecorded = async (stream: string, facts: Pending[], scanFrom: bigint | undefined) => {
    const out = new Map<number, Recorded>();
    if (scanFrom === undefined) return { todo: facts, out };
    const found = await existing(stream, new Set(facts.map((p) => p.id)), scanFrom);
    for (const p of facts) {
      const env = found.get(p.id);
      if (!env) continue;
      if (!sameFact(env.fact, p.fact)) {
        throw new LedgerError('DUPLICATE_EVENT_ID', `event id ${p.id} is already recorded in "${stream}" for a different fact`, { id: p.id, stream });
      }
      out.set(p.index, asRecorded(env, true));
    }
    return { todo: facts.filter((p) => !out.has(p.index)), out };
  };

  const appendOnce = async (stream: string, facts: Pending[], signer: Signer): Promise<Envelope[]> => {
    let head = heads.get(stream);
    if (!head) head = await readHead(store, stream);
    const envelopes = await seal(
      facts.map((p) => p.fact),
      { stream, head, keyId: signer.keyId, recordedAt: new Date().toISOString(), ids: facts.map((p) => p.id) },
      signer,
      mode,
    );
    await store.append(
      stream,
      envelopes.map((e) => ({ id: e.id, type: e.fact.type, data: e as unknown as Record<string, unknown> })),
      head ? BigInt(head.revision) : 'no_stream',
    );
    const last = envelopes[envelopes.length - 1]!;
    heads.set(stream, { revision: last.revision, hash: last.hash });
    return envelopes;
  };

  const retriable = (e: unknown) =>
    isLedgerError(e, 'WRONG_EXPECTED_REVISION') || isLedgerError(e, 'STORE_UNAVAILABLE') || isLedgerError(e, 'DUPLICATE_EVENT_ID');

  /** Appends one stream's facts, re-reading the head and retrying after a lost race or a dropped connection. */
  const appendStream = async (stream: string, facts: Pending[], signer: Signer): Promise<Map<number, Recorded>> => {
    const explicitIds = facts.some((p) => p.explicit);
    let scanFrom: bigint | undefined = explicitIds ? 0n : undefined;
    for (let attempt = 0; ; attempt++) {
      const { todo, out } = await dropRecorded(stream, facts, scanFrom);
      if (todo.length === 0) return out;
      const headBefore = heads.get(stream);
      try {
        const envelopes = await appendOnce(stream, todo, signer);
        envelopes.forEach((env, i) => out.set(todo[i]!.index, asRecorded(env, false)));
        return out;
      } catch (e) {
        if (!retriable(e)) throw e;
        heads.forget(stream);
        if (attempt >= maxRetries) {
          throw new LedgerError('CONFLICT_RETRIES_EXHAUSTED', `gave up appending to "${stream}" after ${attempt + 1} attempts: ${(e as Error).message}`, {
            stream,
            cause: (e as LedgerError).code,
          });
        }
        // Our own ids may have landed before the error reached us: look for them from where we stood.
        const from = headBefore ? BigInt(headBefore.revision + 1) : 0n;
        scanFrom = scanFrom === undefined ? from : scanFrom < from ? scanFrom : from;
        await sleep(Math.min(200, 2 ** attempt) * Math.random());
      }
    }
  };

  const record = async (input: FactInput | readonly FactInput[]): Promise<Recorded[]> => {
    if (closed) throw new LedgerError('CLOSED', 'the ledger is closed');
    if (!signer) throw new LedgerError('INVALID_INPUT', 'this ledger was opened without a signer: it can read and verify, not record');
    const inputs = Array.isArray(input) ? (input as readonly unknown[]) : [input];
    const pending = decodeAll(inputs);
    const byStream = new Map<string, Pending[]>();
    for (const p of pending) {
      const s = streamOf(p.fact);
      byStream.set(s, [...(byStream.get(s) ?? []), p]);
    }
    const results = await Promise.all([...byStream].map(([stream, facts]) => locked(stream, () => appendStream(stream, facts, signer))));
    const all = new Map<number, Recorded>();
    for (const r of results) for (const [i, rec] of r) all.set(i, rec);
    return pending.map((p) => all.get(p.index)!);
  };

  const verify = async (opts: VerifyOptions = {}): Promise<VerifyResult> => {
    const checker = integrityChecker({ trust: options.trust ?? [] });
    for await (const ev of store.readAll()) {
      await checker.check(ev);
      if (opts.onProgress && checker.checked % 10_000 === 0) opts.onProgress(checker.checked);
    }
    return { store: store.name, checked: checker.checked, findings: await checker.finish() };
  };

  const ledger = {
    store,
    signer,
    record,
    verify,
    /** Every event of the store in global order, raw: for audits and projections. */
    readAll: (): AsyncIterable<RecordedEvent> => store.readAll(),
    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };

  if (signer) await registerKeyAndPolicy(ledger.record, store, signer, options);
  return ledger;
};

export type Ledger = Awaited<ReturnType<typeof openLedger>>;

/** Facts of one stream, decoded; what is not an envelope is skipped (verify reports it). */
async function* factsOf(store: EventStore, stream: string): AsyncIterable<Fact> {
  for await (const ev of store.readStream(stream)) {
    const env = decodeEnvelope(ev.data);
    if (E.isRight(env)) yield env.right.fact;
  }
}

/** Registers the signer's key and publishes the policy, each once however many processes open the ledger. */
const registerKeyAndPolicy = async (
  record: (f: FactInput | readonly FactInput[]) => Promise<Recorded[]>,
  store: EventStore,
  signer: Signer,
  options: LedgerOptions,
): Promise<void> => {
  const publicKey = bytesToHex(signer.publicKey);
  let registered = false;
  for await (const f of factsOf(store, 'keys')) {
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
  const now = new Date().toISOString();
  // Another process opening at the same moment records the same derived id with its own `at`: theirs stands.
  const once = (p: Promise<unknown>) => p.catch((e) => { if (!isLedgerError(e, 'DUPLICATE_EVENT_ID')) throw e; });
  if (!registered) {
    await once(record({
      type: 'KeyRegistered',
      at: now,
      id: uuidv5(`key:${signer.keyId}:${publicKey}`, LEDGER_NAMESPACE),
      keyId: signer.keyId,
      publicKey,
      owner: options.keyOwner ?? 'privacy-ledger',
    }));
  }
  const policy = options.policy ?? seedPolicy;
  for await (const f of factsOf(store, 'policy')) if (f.type === 'PolicyPublished' && f.version === policy.version) return;
  await once(record({ ...policyPublished(policy, now < policy.effectiveAt ? now : policy.effectiveAt), id: uuidv5(`policy:${policy.version}`, LEDGER_NAMESPACE) }));
};
