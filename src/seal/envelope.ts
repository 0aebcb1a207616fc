import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { closedType, fieldErrors, type FieldError } from '../domain/codec.js';
import { decodeFact, type Fact } from '../domain/facts.js';
import { EventId, IsoTimestamp } from '../domain/ids.js';
import { nestingProblem } from '../domain/limits.js';
import { canonicalize } from './canonical.js';
import { sha256Hex } from './hash.js';
import { isUnreadableData } from '../store/port.js';
import { ENVELOPE_FORMAT, GENESIS, type Envelope, type EnvelopeBody } from './envelope-types.js';
import type { SealedBox } from './data-seal.js';

export * from './envelope-types.js';

/** `per-event`: every envelope carries a signature. `per-batch`: the last envelope of each stream in an append does, covering the rest through the chain. */
export type SigningMode = 'per-event' | 'per-batch';

/** Where a stream's chain stands: the revision and hash of its last envelope. */
export interface ChainHead {
  readonly revision: number;
  readonly hash: string;
}

/**
 * `canonicalize(body)` written out: an envelope body's keys are fixed, so they need no
 * sorting on the hot path (test/seal/envelope.test.ts holds the two equal).
 */
export const canonicalBody = (b: EnvelopeBody): string =>
  (b.backfill === true ? '{"backfill":true,"fact":' : '{"fact":') + canonicalize(b.fact) +
  ',"id":' + JSON.stringify(b.id) +
  ',"keyId":' + JSON.stringify(b.keyId) +
  ',"ledger":' + JSON.stringify(b.ledger) +
  ',"prev":' + JSON.stringify(b.prev) +
  ',"recordedAt":' + JSON.stringify(b.recordedAt) +
  ',"revision":' + canonicalize(b.revision) +
  (b.sealed === undefined ? '' : ',"sealed":{"box":' + JSON.stringify(b.sealed.box) + ',"key":' + JSON.stringify(b.sealed.key) + ',"nonce":' + JSON.stringify(b.sealed.nonce) + '}') +
  ',"stream":' + JSON.stringify(b.stream) +
  ',"v":' + String(b.v) + '}';

export const hashOf = (body: EnvelopeBody): string => sha256Hex(canonicalBody(body));

/** The JSON text of a sealed envelope, from its body's canonical text: no second serialization. */
export const envelopeJson = (bodyText: string, hash: string, sig: string | undefined): string =>
  bodyText.slice(0, -1) + ',"hash":"' + hash + (sig === undefined ? '"}' : '","sig":"' + sig + '"}');

export interface SealContext {
  /** The ledger's identity, written into every envelope. */
  readonly ledger: string;
  readonly stream: string;
  /** The stream's last envelope, or undefined for a new stream. */
  readonly head: ChainHead | undefined;
  readonly keyId: string;
  readonly recordedAt: string;
  /** One id per fact (the fact's own, or a fresh UUID v7). */
  readonly ids: readonly string[];
  /** Seal as declared backfill (imported history). */
  readonly backfill?: boolean;
  /** Each fact's sealed personal fields, by index (src/seal/fact-sealing.ts). */
  readonly sealed?: readonly (SealedBox | undefined)[];
}

/** Builds and hashes the chained, unsigned envelopes for facts appended to one stream, each with its body's canonical text. */
export const chainWithText = (facts: readonly Fact[], ctx: SealContext): { envelope: Envelope; bodyText: string }[] => {
  let prev = ctx.head?.hash ?? GENESIS;
  let revision = ctx.head ? ctx.head.revision + 1 : 0;
  return facts.map((fact, i) => {
    // One object per envelope on the hot path: the body is hashed, then the hash filled in.
    const envelope = {
      v: ENVELOPE_FORMAT as typeof ENVELOPE_FORMAT, ledger: ctx.ledger, id: ctx.ids[i]!, stream: ctx.stream, revision: revision++, recordedAt: ctx.recordedAt, prev, keyId: ctx.keyId,
      ...(ctx.backfill === true ? { backfill: true as const } : {}), fact, ...(ctx.sealed?.[i] === undefined ? {} : { sealed: ctx.sealed[i]! }), hash: '',
    };
    const bodyText = canonicalBody(envelope);
    envelope.hash = prev = sha256Hex(bodyText);
    return { envelope, bodyText };
  });
};

/** Builds and hashes the chained, unsigned envelopes for facts appended to one stream. */
export const chain = (facts: readonly Fact[], ctx: SealContext): Envelope[] => chainWithText(facts, ctx).map((x) => x.envelope);

const Hex64 = t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'Sha256Hex');
const Hex128 = t.refinement(t.string, (s) => /^[0-9a-f]{128}$/.test(s), 'Ed25519SignatureHex');
const Revision = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Revision');
const Format = t.refinement(t.number, (n): n is typeof ENVELOPE_FORMAT => n === ENVELOPE_FORMAT, `EnvelopeFormat${ENVELOPE_FORMAT}`);
const Base64Url = (name: string, max: number) => t.refinement(t.string, (s) => s.length <= max && /^[A-Za-z0-9_-]+$/.test(s), name);
const SealedShape = closedType('SealedBox', { key: t.refinement(t.string, (s) => /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(s), 'DataKeyId'), nonce: Base64Url('Nonce', 16), box: Base64Url('Box', 1 << 20) }, {});
const LedgerName = t.refinement(t.string, (s) => /^[^\s+]{1,255}$/.test(s), 'LedgerIdentity');
const EnvelopeShape = closedType(
  'Envelope',
  {
    v: Format, ledger: LedgerName, id: EventId, stream: t.string, revision: Revision, recordedAt: IsoTimestamp, prev: Hex64, keyId: t.string,
    fact: t.UnknownRecord, hash: Hex64,
  },
  { sig: Hex128, backfill: t.literal(true), sealed: SealedShape },
);

/** Decodes what a store returned into an envelope, the fact included; names every bad field. */
export const decodeEnvelope = (data: unknown): E.Either<FieldError[], Envelope> =>
  isUnreadableData(data)
    ? E.left([{ field: '(event)', message: `the stored data is unreadable: ${data.reason}` }])
    : nestingProblem(data) !== undefined
    ? E.left([{ field: '(event)', message: `the stored data is ${nestingProblem(data)}` }])
    : pipe(
    EnvelopeShape.decode(data),
    E.mapLeft(fieldErrors),
    E.chain((shape) =>
      pipe(
        decodeFact(shape.fact),
        E.mapLeft((errs) => errs.map((e) => ({ field: `fact.${e.field}`, message: e.message }))),
        E.map((fact): Envelope => ({ ...(shape as Omit<Envelope, 'fact'>), fact })),
      ),
    ),
  );

/** The body an envelope's hash covers: the envelope less hash and sig. */
export const bodyOf = ({ hash: _h, sig: _s, ...body }: Envelope): EnvelopeBody => body;
