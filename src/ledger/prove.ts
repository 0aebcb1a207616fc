import * as E from 'fp-ts/lib/Either.js';
import { LedgerError } from '../domain/errors.js';
import { isUuid } from '../domain/ids.js';
import type { Fact } from '../domain/facts.js';
import type { Policy } from '../domain/policy.js';
import { streamOf } from '../domain/streams.js';
import { decodeEnvelope, type Envelope } from '../seal/envelope.js';
import { bytesToHex } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import type { MerkleLog } from '../seal/merkle-log.js';
import type { EventStore } from '../store/port.js';
import { factVerdict, isProvableType, type FactVerdict } from '../projection/fact-verdict.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleStream, type VerdictBundle } from '../bundle/format.js';
import { verifiedView } from './verified-view.js';

export interface ProveOptions {
  /** A signed checkpoint (note text) covering the event; default: the latest one the ledger recorded that covers it. */
  readonly checkpoint?: string;
}

export interface ProveSource {
  readonly store: EventStore;
  readonly policy: Policy;
  readonly trust?: readonly TrustedKey[];
  readonly clockToleranceMs?: number;
  readonly clock: () => Date;
}

/** Where each stream stood in the log when the judged fact came: how many envelopes, the last one's leaf. */
interface Place {
  count: number;
  last: number;
}

/** What one verified pass over the log gathers for a bundle. */
interface Pass {
  readonly judged: Envelope;
  readonly judgedIndex: number;
  readonly verdict: FactVerdict;
  /** Each stream's place just after the judged fact. */
  readonly places: ReadonlyMap<string, Place>;
  /** The leaf index of every envelope of the keys stream, by revision. */
  readonly keyLeaves: readonly number[];
  readonly log: MerkleLog;
  readonly checkpoint: { readonly note: string; readonly size: number };
}

/**
 * One verified pass: every envelope checked and folded (keeping every verdict), the judged
 * fact's verdict taken once it is folded and before anything after it is, and the log built
 * for inclusion proofs. Refuses to prove anything from a ledger that does not verify.
 */
const verifiedPass = async (source: ProveSource, eventId: string, given: string | undefined): Promise<Pass> => {
  const wanted = eventId.toLowerCase();
  const places = new Map<string, Place>();
  const keyLeaves: number[] = [];
  const recorded: { note: string; size: number }[] = [];
  let index = 0;
  let judged: { env: Envelope; index: number } | undefined;
  let verdict: FactVerdict | undefined;
  const view = verifiedView({
    store: source.store,
    trust: source.trust ?? [],
    ...(source.clockToleranceMs === undefined ? {} : { clockToleranceMs: source.clockToleranceMs }),
    compliance: { defaultPolicy: source.policy, keepEveryVerdict: true, ...(source.clockToleranceMs === undefined ? {} : { clockToleranceMs: source.clockToleranceMs }) },
    checkpoints: given === undefined ? [] : [given],
    // Called before each envelope is folded, in log order: with no finding, the count is the leaf index.
    beforeFold: (state, env) => {
      if (judged !== undefined && verdict === undefined && isProvableType(judged.env.fact.type)) verdict = verdictOf(state, judged.env);
      if (env.stream === 'keys') keyLeaves.push(index);
      if (env.fact.type === 'CheckpointRecorded') recorded.push({ note: env.fact.note, size: env.fact.size });
      if (judged === undefined) {
        const p = places.get(env.stream);
        if (p === undefined) places.set(env.stream, { count: 1, last: index });
        else (p.count++, (p.last = index));
        if (env.id.toLowerCase() === wanted) judged = { env, index };
      }
      index++;
    },
  });
  await view.catchUp();
  const result = await view.finish();
  if (result.findings.length > 0) {
    const f = result.findings[0]!;
    throw new LedgerError('INTEGRITY', `the ledger does not verify (${result.findings.length} finding(s); first: ${f.code} on event ${f.eventId}: ${f.message}): a bundle from it would prove nothing`, { findings: result.findings.slice(0, 20) });
  }
  if (judged === undefined) throw new LedgerError('EVENT_NOT_FOUND', `no event ${eventId} in ${source.store.name}`, { eventId });
  const type = judged.env.fact.type;
  if (!isProvableType(type)) {
    throw new LedgerError('INVALID_INPUT', `event ${eventId} is a ${type}: a bundle proves the verdict of a DataUsed, DataDisclosed or PersonnelAccessed (other facts have no verdict of their own, or one that depends on what came after them)`, { eventId, type });
  }
  verdict ??= verdictOf(view.state, judged.env);
  const checkpoint = given === undefined ? latestCovering(recorded, judged.index) : { note: given, size: result.checkpoints[0]!.size };
  if (checkpoint.size <= judged.index) {
    throw new LedgerError('NO_CHECKPOINT', `the checkpoint covers ${checkpoint.size} entries, but event ${eventId} is entry ${judged.index + 1}: sign a newer one (privacy-ledger checkpoint)`, { eventId, size: checkpoint.size });
  }
  return { judged: judged.env, judgedIndex: judged.index, verdict, places, keyLeaves, log: view.log, checkpoint };
};

const verdictOf = (state: Parameters<typeof factVerdict>[0], env: Envelope): FactVerdict => {
  const v = isProvableType(env.fact.type) ? factVerdict(state, env.id, env.fact.type, env.recordedAt) : undefined;
  if (v === undefined) throw new LedgerError('STORE_CORRUPT', `the compliance view kept no verdict for event ${env.id}`, { eventId: env.id });
  return v;
};

const latestCovering = (recorded: readonly { note: string; size: number }[], judgedIndex: number): { note: string; size: number } => {
  const covering = recorded.filter((r) => r.size > judgedIndex);
  if (covering.length === 0) {
    throw new LedgerError('NO_CHECKPOINT', `no checkpoint the ledger recorded covers entry ${judgedIndex + 1} of the log yet: sign one (privacy-ledger checkpoint --key, ledger.checkpoint()) or give one`, { entry: judgedIndex + 1 });
  }
  return covering[covering.length - 1]!;
};

/** A stream's envelopes in revision order, decoded (the pass verified them all). */
const readPrefix = async (store: EventStore, stream: string, upTo: number): Promise<Envelope[]> => {
  const out: Envelope[] = [];
  for await (const ev of store.readStream(stream)) {
    const env = decodeEnvelope(ev.data);
    if (E.isLeft(env)) throw new LedgerError('STORE_CORRUPT', `event ${ev.id} of "${stream}" is not an envelope`, { stream });
    out.push(env.right);
    // Past the prefix, only as far as the signature that covers its last envelope (per-batch).
    if (out.length >= upTo && env.right.sig !== undefined) break;
  }
  return out;
};

const hexProof = (log: MerkleLog, index: number, size: number): string[] => log.inclusionProof(index, size).map(bytesToHex);

/** The streams a verdict rests on: the fact's own, the policy, the keys; for a personnel access the subject's too. */
const streamsFor = (judged: Envelope): string[] => {
  const f = judged.fact;
  const subject = f.type === 'PersonnelAccessed' ? [streamOf({ type: 'ErasureRequested', at: f.at, subject: f.subject } as Fact)] : [];
  return [...new Set([judged.stream, 'policy', ...subject])];
};

/**
 * A verdict bundle for one event: the envelopes its verdict rests on, each stream prefix tied
 * to a signed checkpoint by the inclusion proof of its last envelope, and the verdict the
 * ledger gives it on everything before it in the log.
 */
export const proveEvent = async (source: ProveSource, eventId: string, options: ProveOptions = {}): Promise<VerdictBundle> => {
  if (!isUuid(eventId)) throw new LedgerError('INVALID_INPUT', `an event id is a UUID, not "${eventId}"`, { eventId });
  const pass = await verifiedPass(source, eventId, options.checkpoint);
  const { judged, checkpoint, log } = pass;
  const streams: BundleStream[] = [];
  for (const name of streamsFor(judged)) {
    const place = pass.places.get(name);
    if (place === undefined) continue;
    const envelopes = await readPrefix(source.store, name, place.count);
    streams.push({ stream: name, envelopes, folded: place.count, inclusion: { leafIndex: place.last, proof: hexProof(log, place.last, checkpoint.size) } });
  }
  const keysIn = pass.keyLeaves.filter((i) => i < checkpoint.size);
  if (keysIn.length > 0) {
    const envelopes = await readPrefix(source.store, 'keys', keysIn.length);
    const placed = envelopes.slice(0, keysIn.length).flatMap((env, revision) =>
      env.fact.type === 'KeyRevoked' ? [{ revision, leafIndex: keysIn[revision]!, proof: hexProof(log, keysIn[revision]!, checkpoint.size) }] : [],
    );
    const last = keysIn[keysIn.length - 1]!;
    streams.push({ stream: 'keys', envelopes, folded: keysIn.length, inclusion: { leafIndex: last, proof: hexProof(log, last, checkpoint.size) }, ...(placed.length > 0 ? { placed } : {}) });
  }
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    ledger: judged.ledger,
    eventId: judged.id,
    checkpoint: checkpoint.note,
    streams,
    verdict: pass.verdict,
    createdAt: source.clock().toISOString(),
    generator: 'privacy-ledger',
  };
};
