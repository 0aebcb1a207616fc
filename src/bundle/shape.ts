import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { closedType, fieldErrors, formatFieldErrors } from '../domain/codec.js';
import { nestingProblem } from '../domain/limits.js';
import { decodeEnvelope } from '../seal/envelope-codec.js';
import type { Envelope } from '../seal/envelope-types.js';
import { isProvableType } from '../projection/fact-verdict.js';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleInclusion, type VerdictBundle } from './format.js';
import type { BundleFinding } from './findings.js';

const Index = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'LeafIndex');
const Hash = t.refinement(t.string, (s) => /^[0-9a-f]{64}$/.test(s), 'Sha256Hex');
const Inclusion = closedType('Inclusion', { leafIndex: Index, proof: t.array(Hash) }, {});
const Placed = closedType('PlacedEnvelope', { revision: Index, leafIndex: Index, proof: t.array(Hash) }, {});
const Stream = closedType(
  'BundleStream',
  { stream: t.string, envelopes: t.array(t.unknown), folded: Index, inclusion: Inclusion },
  { placed: t.array(Placed) },
);
const Outer = closedType(
  'VerdictBundle',
  {
    format: t.literal(BUNDLE_FORMAT),
    formatVersion: t.number,
    ledger: t.string,
    eventId: t.string,
    checkpoint: t.string,
    streams: t.array(Stream),
    verdict: t.UnknownRecord,
    createdAt: t.string,
    generator: t.string,
  },
  {},
);

/** A stream prefix once its envelopes decode. */
export interface DecodedStream {
  readonly stream: string;
  readonly envelopes: readonly Envelope[];
  readonly folded: number;
  readonly inclusion: BundleInclusion;
  /** Further inclusion proofs, by revision (a key's revocation, to place it in the log). */
  readonly placed: readonly (BundleInclusion & { readonly revision: number })[];
}

export interface DecodedBundle {
  readonly bundle: VerdictBundle;
  readonly streams: readonly DecodedStream[];
  /** The judged fact's stream and the index of the judged envelope in it. */
  readonly judged: { readonly stream: DecodedStream; readonly envelope: Envelope };
}

export type ShapeResult = { readonly ok: true; readonly value: DecodedBundle; readonly findings: readonly BundleFinding[] } | { readonly ok: false; readonly findings: readonly BundleFinding[] };

const malformed = (message: string): ShapeResult => ({ ok: false, findings: [{ code: 'BUNDLE_MALFORMED', message }] });

/**
 * The bundle's shape: its format and version, its fields, every envelope decoded. Envelopes
 * that do not decode are findings (MALFORMED_EVENT), and the bundle proves nothing.
 */
export const decodeBundle = (input: unknown): ShapeResult => {
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      return malformed('the file is not JSON');
    }
  }
  const deep = nestingProblem(input, 40);
  if (deep !== undefined) return malformed(`the document is ${deep}`);
  const version = (input as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof input === 'object' && input !== null && (input as { format?: unknown }).format === BUNDLE_FORMAT && version !== BUNDLE_FORMAT_VERSION) {
    return malformed(`bundle format version ${JSON.stringify(version)} is not one this verifier reads (it reads version ${BUNDLE_FORMAT_VERSION})`);
  }
  const outer = Outer.decode(input);
  if (E.isLeft(outer)) return malformed(`not a verdict bundle: ${formatFieldErrors(fieldErrors(outer.left))}`);
  const b = outer.right;
  const findings: BundleFinding[] = [];
  const names = new Set<string>();
  const streams: DecodedStream[] = [];
  for (const s of b.streams) {
    if (names.has(s.stream)) return malformed(`stream "${s.stream}" appears twice`);
    names.add(s.stream);
    if (s.folded < 1 || s.folded > s.envelopes.length) return malformed(`stream "${s.stream}": folded ${s.folded} is not between 1 and its ${s.envelopes.length} envelope(s)`);
    const envelopes: Envelope[] = [];
    s.envelopes.forEach((raw, i) => {
      const env = decodeEnvelope(raw);
      if (E.isRight(env)) envelopes.push(env.right);
      else findings.push({ code: 'MALFORMED_EVENT', stream: s.stream, message: `envelope ${i} of "${s.stream}" is not a sealed envelope: ${formatFieldErrors(env.left)}` });
    });
    streams.push({ stream: s.stream, envelopes, folded: s.folded, inclusion: s.inclusion, placed: s.placed ?? [] });
  }
  if (findings.length > 0) return { ok: false, findings };
  const judgedStream = streams.find((s) => s.envelopes[s.folded - 1]?.id.toLowerCase() === b.eventId.toLowerCase());
  if (judgedStream === undefined) return { ok: false, findings: [{ code: 'STREAM_MISSING', message: `no stream of the bundle ends its folded prefix at the judged event ${b.eventId}` }] };
  const envelope = judgedStream.envelopes[judgedStream.folded - 1]!;
  if (!isProvableType(envelope.fact.type)) return malformed(`the judged event is a ${envelope.fact.type}: a bundle proves the verdict of a DataUsed, DataDisclosed or PersonnelAccessed`);
  if (!names.has('policy')) return { ok: false, findings: [{ code: 'STREAM_MISSING', message: 'the bundle has no policy stream: the policy in force cannot be shown' }] };
  return { ok: true, value: { bundle: b as unknown as VerdictBundle, streams, judged: { stream: judgedStream, envelope } }, findings: [] };
};
