import * as E from 'fp-ts/lib/Either.js';
import { formatFieldErrors } from '../domain/codec.js';
import type { RecordedEvent } from '../store/port.js';
import { decodeEnvelope, hashOf, bodyOf, GENESIS, type Envelope } from './envelope.js';
import { bytesToHex, checkedHexBytes, hexToBytes } from './hash.js';
import { streamOf } from '../domain/streams.js';
import type { TrustedKey } from './keys.js';
import { nodeVerifier, type SignatureVerifier } from './signers.js';
import { storedTextProblem } from './strict-json.js';

export type IntegrityCode =
  | 'BAD_SIGNATURE' // a signature does not verify, or an unsigned envelope is covered by none
  | 'HASH_MISMATCH' // the envelope's content does not hash to its `hash`: changed after sealing
  | 'BROKEN_CHAIN' // `prev` is not the hash of the stream's previous envelope
  | 'UNKNOWN_KEY' // signed by a key nobody trusts
  | 'REVOKED_KEY' // signed by a key after its KeyRevoked
  | 'MALFORMED_EVENT' // not an envelope, or an envelope that disagrees with where the store put it
  | 'REVISION_GAP' // a stream skips or repeats a revision
  | 'FOREIGN_LEDGER' // an envelope sealed for another ledger (its `ledger` is not this one's)
  | 'WRONG_STREAM' // a fact stored in a stream it does not belong to (another subject's, say)
  | 'UNTRUSTED_KEY' // a KeyRegistered no trusted key endorsed: someone registered a key for themselves
  | 'UNTRUSTED_REVOCATION' // a KeyRevoked not signed by a trusted key: not honoured
  | 'POSITION_ORDER' // the store returned positions that do not strictly increase
  | 'CLOCK_REGRESSION' // recordedAt runs backwards along the log by more than the tolerance
  | 'CHECKPOINT_MISMATCH' // the log no longer has a checkpoint's root over its first N entries
  | 'CHECKPOINT_INVALID' // a checkpoint whose note, origin or signature does not verify
  | 'WITNESS_MISSING'; // a checkpoint lacks the cosignature of a required witness

export interface IntegrityFinding {
  readonly code: IntegrityCode;
  readonly eventId: string;
  readonly stream: string;
  readonly revision: string;
  readonly position: string;
  readonly message: string;
}

export interface IntegrityOptions {
  /** Keys trusted from outside the ledger (`.pub` files). */
  readonly trust?: readonly TrustedKey[];
  /**
   * Also trust keys the ledger registers itself (KeyRegistered, self-signed). Proves the
   * ledger was not changed by someone without a key; an auditor who must not trust the
   * operator passes `trust` and leaves this off. Default: true when `trust` is empty.
   */
  readonly trustLedgerKeys?: boolean;
  readonly verifier?: SignatureVerifier;
  /** The ledger's identity; default: the `ledger` of the first envelope read. */
  readonly ledger?: string;
  /** How far recordedAt may run backwards along the log (clock skew between writers). Default 5 minutes. */
  readonly clockToleranceMs?: number;
  /** Signature checks in flight at once (node:crypto runs them on worker threads). Default 1024. */
  readonly concurrency?: number;
}

interface StreamState {
  nextRevision: bigint;
  /** The hash the previous envelope claims; undefined when it was unreadable and so claims none. */
  lastHash: string | undefined;
  /** The id of the previous event read from this stream, to name it when a link breaks. */
  lastId: string | undefined;
  /** Unsigned envelopes (per-batch mode) waiting for a signature later in the stream to cover them. */
  pending: RecordedEvent[];
}

interface SignatureCheck {
  readonly ev: RecordedEvent;
  readonly env: Envelope;
  readonly key: KeyState;
  /** Unsigned envelopes this signature covers through the chain (per-batch mode). */
  readonly covered: RecordedEvent[];
}

interface KeyState {
  publicKey: Uint8Array;
  revoked: boolean;
  /** Why the key is trusted, for `verify` to print. */
  ground: string;
}

/** A key the checker trusted, and on what ground. */
export interface KeyTrust {
  readonly keyId: string;
  readonly ground: string;
  readonly revoked: boolean;
}

/**
 * Checks a store's events in global order, reporting every finding and never stopping at
 * the first. Feed it with `check` (which applies back-pressure on signature checks), then
 * call `finish` once for the findings, sorted by position.
 */
export const integrityChecker = (options: IntegrityOptions = {}): IntegrityChecker => {
  const verifier = options.verifier ?? nodeVerifier;
  const trustLedgerKeys = options.trustLedgerKeys ?? (options.trust ?? []).length === 0;
  const limit = options.concurrency ?? 1024;
  const keys = new Map<string, KeyState>((options.trust ?? []).map((k) => [k.keyId, { publicKey: k.publicKey, revoked: false, ground: 'given with --trust' }]));
  const toleranceMs = options.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  let ledger = options.ledger;
  let lastPosition: bigint | undefined;
  let latestRecordedMs = Number.NEGATIVE_INFINITY;
  /** Whether a key has been registered yet: without --trust, only the first one may endorse itself. */
  let rootSeen = !trustLedgerKeys;
  const streams = new Map<string, StreamState>();
  const findings: IntegrityFinding[] = [];
  // Signature checks go out in batches (one worker message each), a bounded number at a time.
  const batchSize = 256;
  let queued: SignatureCheck[] = [];
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  let allDone: (() => void) | undefined;
  let checked = 0;

  const report = (code: IntegrityCode, ev: RecordedEvent, message: string, eventId: string = ev.id): void => {
    findings.push({ code, eventId, stream: ev.stream, revision: ev.revision.toString(), position: ev.position.toString(), message });
  };

  const stateOf = (name: string): StreamState => {
    let s = streams.get(name);
    if (!s) streams.set(name, (s = { nextRevision: 0n, lastHash: GENESIS, lastId: undefined, pending: [] }));
    return s;
  };

  const checkPlace = (ev: RecordedEvent, env: Envelope, s: StreamState): void => {
    ledger ??= env.ledger;
    if (env.ledger !== ledger) report('FOREIGN_LEDGER', ev, `sealed for ledger "${env.ledger}", not this ledger ("${ledger}")`);
    const home = streamOf(env.fact);
    if (home !== env.stream) report('WRONG_STREAM', ev, `a ${env.fact.type} of this content belongs in "${home}", not in "${env.stream}"`);
    const recordedMs = Date.parse(env.recordedAt);
    if (recordedMs < latestRecordedMs - toleranceMs) {
      report('CLOCK_REGRESSION', ev, `recorded at ${env.recordedAt}, more than ${toleranceMs / 1000} s before an earlier entry of the log (${new Date(latestRecordedMs).toISOString()})`);
    }
    if (recordedMs > latestRecordedMs) latestRecordedMs = recordedMs;
    if (env.id.toLowerCase() !== ev.id.toLowerCase()) report('MALFORMED_EVENT', ev, `envelope id ${env.id} differs from the stored event id ${ev.id}`);
    if (env.stream !== ev.stream) report('MALFORMED_EVENT', ev, `envelope names stream "${env.stream}" but is stored in "${ev.stream}"`);
    if (BigInt(env.revision) !== ev.revision) {
      report('MALFORMED_EVENT', ev, `envelope says revision ${env.revision} but is stored at ${ev.revision}`);
    }
    if (ev.revision !== s.nextRevision) {
      report('REVISION_GAP', ev, `stream "${ev.stream}" jumps from revision ${s.nextRevision - 1n} to ${ev.revision}`);
    }
    if (s.lastHash === undefined) {
      report('BROKEN_CHAIN', ev, `the link to the previous envelope of "${ev.stream}" cannot be checked: that envelope is unreadable`);
    } else if (env.prev !== s.lastHash) {
      // Either this envelope's prev or the previous envelope was changed: name both.
      const previous = s.lastId === undefined ? 'the stream start' : `event ${s.lastId}, ${s.lastHash.slice(0, 12)}…`;
      report('BROKEN_CHAIN', ev, `prev ${env.prev.slice(0, 12)}… is not the hash of the previous envelope of "${ev.stream}" (${previous})`);
    }
  };

  /** A key that may endorse or revoke at this point of the log. */
  const trusted = (keyId: string): KeyState | undefined => {
    const k = keys.get(keyId);
    return k !== undefined && !k.revoked ? k : undefined;
  };

  /**
   * Key registrations and revocations count only when a key trusted at that point signed them
   * (rotation is an endorsement). Without --trust, the log's first registered key, signed by
   * itself, is the root of trust. Signatures are checked later: a forged one is BAD_SIGNATURE.
   */
  const learnKeys = (ev: RecordedEvent, env: Envelope): void => {
    const f = env.fact;
    if (f.type === 'KeyRegistered') {
      const firstRoot = !rootSeen && env.keyId === f.keyId;
      rootSeen = true;
      const existing = keys.get(f.keyId);
      if (existing !== undefined) {
        if (bytesToHex(existing.publicKey) !== f.publicKey) report('UNTRUSTED_KEY', ev, `registers key "${f.keyId}" again with another public key`);
        return;
      }
      if (firstRoot) {
        keys.set(f.keyId, { publicKey: hexToBytes(f.publicKey), revoked: false, ground: `the ledger's first key (event ${env.id}), self-signed` });
      } else if (trusted(env.keyId) !== undefined && env.keyId !== f.keyId) {
        keys.set(f.keyId, { publicKey: hexToBytes(f.publicKey), revoked: false, ground: `endorsed by key "${env.keyId}" (event ${env.id})` });
      } else {
        report('UNTRUSTED_KEY', ev, `registers key "${f.keyId}", signed by "${env.keyId}", which is not a trusted key: a key counts only when a trusted key endorses it`);
      }
    } else if (f.type === 'KeyRevoked') {
      if (trusted(env.keyId) === undefined) {
        report('UNTRUSTED_REVOCATION', ev, `revokes key "${f.keyId}" but is signed by "${env.keyId}", which is not a trusted key: not honoured`);
        return;
      }
      const k = keys.get(f.keyId);
      if (k) k.revoked = true;
    }
  };

  const settleBatch = (batch: readonly SignatureCheck[], results: readonly boolean[]): void => {
    batch.forEach(({ ev, env, covered }, i) => {
      if (results[i]) return;
      report('BAD_SIGNATURE', ev, `signature by key "${env.keyId}" does not verify`);
      for (const c of covered) report('BAD_SIGNATURE', c, `unsigned envelope whose covering signature (event ${ev.id}) does not verify`);
    });
  };

  const flush = (): void => {
    if (queued.length === 0) return;
    const batch = queued;
    queued = [];
    inFlight += batch.length;
    const items = batch.map(({ env, key }) => [checkedHexBytes(env.hash), checkedHexBytes(env.sig!), key.publicKey] as const);
    void verifier
      .verifyMany(items)
      .then(
        (results) => settleBatch(batch, results),
        // A check that could not run proves nothing: each event is reported, with why.
        (e: unknown) => {
          for (const { ev } of batch) report('BAD_SIGNATURE', ev, `signature could not be checked: ${(e as Error).message}`);
        },
      )
      .finally(() => {
        inFlight -= batch.length;
        slotFreed?.();
        slotFreed = undefined;
        if (inFlight === 0) allDone?.();
      });
  };

  /** Queues the signature check; true when one was queued. */
  const checkSignature = (ev: RecordedEvent, env: Envelope, s: StreamState): boolean => {
    if (env.sig === undefined) {
      s.pending.push(ev);
      return false;
    }
    const covered = s.pending;
    s.pending = [];
    const key = keys.get(env.keyId);
    if (!key) {
      report('UNKNOWN_KEY', ev, `signed by key "${env.keyId}", which is not trusted`);
      for (const c of covered) report('UNKNOWN_KEY', c, `covered by a signature of untrusted key "${env.keyId}" (event ${ev.id})`);
      return false;
    }
    if (key.revoked) report('REVOKED_KEY', ev, `signed by key "${env.keyId}" after it was revoked`);
    queued.push({ ev, env, key, covered });
    return true;
  };

  const check = async (ev: RecordedEvent): Promise<Envelope | undefined> => {
    checked++;
    if (lastPosition !== undefined && ev.position <= lastPosition) {
      report('POSITION_ORDER', ev, `the store returned position ${ev.position} after position ${lastPosition}: positions must strictly increase`);
    }
    lastPosition = ev.position;
    const s = stateOf(ev.stream);
    const decoded = decodeEnvelope(ev.data);
    if (E.isLeft(decoded)) {
      report('MALFORMED_EVENT', ev, `not a sealed envelope: ${formatFieldErrors(decoded.left)}`);
      s.nextRevision = ev.revision + 1n;
      const claimed = (ev.data as { hash?: unknown } | null)?.hash;
      s.lastHash = typeof claimed === 'string' ? claimed : undefined;
      s.lastId = ev.id;
      return undefined;
    }
    const env = decoded.right;
    checkPlace(ev, env, s);
    s.nextRevision = ev.revision + 1n;
    s.lastHash = env.hash;
    s.lastId = ev.id;
    if (hashOf(bodyOf(env)) !== env.hash) report('HASH_MISMATCH', ev, `content does not hash to ${env.hash.slice(0, 12)}…: changed after it was sealed`);
    const rewritten = storedTextProblem(ev, env);
    if (rewritten !== undefined) report('MALFORMED_EVENT', ev, rewritten);
    learnKeys(ev, env);
    if (checkSignature(ev, env, s) && queued.length >= batchSize) {
      flush();
      while (inFlight >= limit) await new Promise<void>((r) => (slotFreed = r));
    }
    return env;
  };

  /** Waits for every queued signature check; the checker can go on reading after. */
  const settle = async (): Promise<void> => {
    flush();
    if (inFlight > 0) await new Promise<void>((r) => (allDone = r));
  };

  /** Unsigned envelopes still waiting for a covering signature. */
  const uncovered = (): number => {
    let n = 0;
    for (const [, s] of streams) n += s.pending.length;
    return n;
  };

  const finish = async (): Promise<IntegrityFinding[]> => {
    await settle();
    for (const [, s] of streams) {
      for (const ev of s.pending) report('BAD_SIGNATURE', ev, 'unsigned envelope not covered by any later signature in its stream');
      s.pending = [];
    }
    return findings.sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : BigInt(a.position) > BigInt(b.position) ? 1 : 0));
  };

  return {
    check,
    settle,
    uncovered,
    finish,
    /** Findings so far (finish() sorts and completes them). */
    findings: (): readonly IntegrityFinding[] => findings,
    add: (f: IntegrityFinding): void => void findings.push(f),
    get checked() { return checked; },
    get ledger() { return ledger; },
    trustedKeys: (): KeyTrust[] => [...keys].map(([keyId, k]) => ({ keyId, ground: k.ground, revoked: k.revoked })),
    /** The public key of a trusted, unrevoked key, for checking checkpoint signatures. */
    trustedKey: (keyId: string): Uint8Array | undefined => trusted(keyId)?.publicKey,
    /** Every key trusted at some point, revoked or not. */
    allTrusted: (): { keyId: string; publicKey: Uint8Array }[] => [...keys].map(([keyId, k]) => ({ keyId, publicKey: k.publicKey })),
  };
};

export const DEFAULT_CLOCK_TOLERANCE_MS = 5 * 60_000;

/** Feed with `check` in log order; `settle` between batches; `finish` once at the end. */
export interface IntegrityChecker {
  check(ev: RecordedEvent): Promise<Envelope | undefined>;
  settle(): Promise<void>;
  uncovered(): number;
  finish(): Promise<IntegrityFinding[]>;
  findings(): readonly IntegrityFinding[];
  add(finding: IntegrityFinding): void;
  readonly checked: number;
  readonly ledger: string | undefined;
  trustedKeys(): KeyTrust[];
  trustedKey(keyId: string): Uint8Array | undefined;
  allTrusted(): { keyId: string; publicKey: Uint8Array }[];
}
