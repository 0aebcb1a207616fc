// Reading envelopes: their canonical text and their decoding. No Node API here: the bundle
// verifier and the browser page use this module as the ledger does.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { closedType, fieldErrors, type FieldError } from '../domain/codec.js';
import { decodeFact } from '../domain/facts.js';
import { EventId, IsoTimestamp } from '../domain/ids.js';
import { nestingProblem } from '../domain/limits.js';
import { canonicalize } from './canonical.js';
import { isUnreadableData } from '../store/port.js';
import { ENVELOPE_FORMAT, type Envelope, type EnvelopeBody } from './envelope-types.js';

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
  ',"stream":' + JSON.stringify(b.stream) +
  ',"v":' + String(b.v) + '}';

const Hex64 = t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'Sha256Hex');
const Hex128 = t.refinement(t.string, (s) => /^[0-9a-f]{128}$/.test(s), 'Ed25519SignatureHex');
const Revision = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Revision');
const Format = t.refinement(t.number, (n): n is typeof ENVELOPE_FORMAT => n === ENVELOPE_FORMAT, `EnvelopeFormat${ENVELOPE_FORMAT}`);
const LedgerName = t.refinement(t.string, (s) => /^[^\s+]{1,255}$/.test(s), 'LedgerIdentity');
const EnvelopeShape = closedType(
  'Envelope',
  {
    v: Format, ledger: LedgerName, id: EventId, stream: t.string, revision: Revision, recordedAt: IsoTimestamp, prev: Hex64, keyId: t.string,
    fact: t.UnknownRecord, hash: Hex64,
  },
  { sig: Hex128, backfill: t.literal(true) },
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
