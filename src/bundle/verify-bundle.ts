// Verifies a verdict bundle with public keys alone, and re-derives its verdict with the
// audit's own rules. No Node API anywhere below this module (test/bundle/node-free.test.ts):
// WebCrypto or tweetnacl for Ed25519, the pure SHA-256, the compliance fold of src/projection.
import { canonicalize } from '../seal/canonical.js';
import { hexDecode, hexEncode } from '../seal/bytes.js';
import { openCheckpoint, verifyCosignature, witnessKey, type LogCheckpoint } from '../seal/checkpoint.js';
import { bodyOf, canonicalBody } from '../seal/envelope-codec.js';
import { GENESIS, type Envelope } from '../seal/envelope-types.js';
import { checkInclusion } from '../seal/inclusion.js';
import { logKeyVerifier, type Ed25519Verify } from '../seal/note.js';
import { verifyEd25519, type Ed25519Item } from './ed25519.js';
import { sha256, sha256HexOf } from '../seal/sha256.js';
import { streamOf } from '../domain/streams.js';
import { seedPolicy } from '../domain/policy.js';
import { applyCompliance, initialComplianceState } from '../projection/compliance.js';
import { factVerdict, type FactVerdict, type ProvableType } from '../projection/fact-verdict.js';
import { BUNDLE_CHECKS, CHECK_OF, CHECK_TITLES, type BundleCheck, type BundleCheckId, type BundleFinding } from './findings.js';
import { walkKeyTrust, type GivenKey, type KeyTrust } from './key-trust.js';
import { decodeBundle, type DecodedBundle, type DecodedStream } from './shape.js';

export interface VerifyBundleOptions {
  /** The ledger's keys, from outside the bundle (never the bundle's own): the roots of trust. */
  readonly trust: readonly GivenKey[];
  /** Witnesses whose cosignature the checkpoint must carry. */
  readonly witnesses?: readonly GivenKey[];
}

/** What verifying a bundle found: every check, and the verdict re-derived when the rest held. */
export interface BundleVerification {
  /** True only when every check held and the re-derived verdict is the stated one. */
  readonly ok: boolean;
  readonly eventId?: string;
  readonly ledger?: string;
  readonly checks: readonly BundleCheck[];
  /** The checks that failed, in order (not those skipped because what they need failed). */
  readonly failed: readonly BundleCheckId[];
  /** The verdict the bundle states. */
  readonly stated?: unknown;
  /** The verdict the rules give on the bundled facts (when everything else verified). */
  readonly derived?: FactVerdict;
  readonly checkpoint?: { readonly size: number; readonly root: string; readonly witnessedBy: readonly string[] };
}

const leafHashOf = (envelopeHash: string): Uint8Array => {
  const data = hexDecode(envelopeHash)!;
  const buf = new Uint8Array(1 + data.length);
  buf.set(data, 1);
  return sha256(buf);
};

const nodeHash = (left: Uint8Array, right: Uint8Array): Uint8Array => {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
};

/** Hashes, ledger and stream of every envelope. */
const checkEnvelopes = (ledger: string, streams: readonly DecodedStream[], out: BundleFinding[]): void => {
  for (const s of streams) {
    for (const env of s.envelopes) {
      const where = { stream: s.stream, eventId: env.id };
      if (sha256HexOf(canonicalBody(bodyOf(env))) !== env.hash) out.push({ code: 'HASH_MISMATCH', message: `envelope ${env.id} does not hash to ${env.hash.slice(0, 12)}…: changed after it was sealed`, ...where });
      if (env.ledger !== ledger) out.push({ code: 'FOREIGN_LEDGER', message: `envelope ${env.id} was sealed for ledger "${env.ledger}", not "${ledger}"`, ...where });
      if (env.stream !== s.stream) out.push({ code: 'WRONG_STREAM', message: `envelope ${env.id} names stream "${env.stream}" but is bundled in "${s.stream}"`, ...where });
      else if (streamOf(env.fact) !== env.stream) out.push({ code: 'WRONG_STREAM', message: `a ${env.fact.type} of this content belongs in "${streamOf(env.fact)}", not in "${env.stream}"`, ...where });
    }
  }
};

/** Revisions 0, 1, 2, … and each `prev` the hash of the envelope before. */
const checkChains = (streams: readonly DecodedStream[], out: BundleFinding[]): void => {
  for (const s of streams) {
    let prev = GENESIS;
    s.envelopes.forEach((env, i) => {
      const where = { stream: s.stream, eventId: env.id };
      if (env.revision !== i) out.push({ code: 'REVISION_GAP', message: `envelope ${i} of "${s.stream}" has revision ${env.revision}: an envelope is missing or repeated before it`, ...where });
      if (env.prev !== prev) out.push({ code: 'BROKEN_CHAIN', message: `envelope ${env.id} (revision ${env.revision}) of "${s.stream}" does not link to the envelope before it: one was dropped, inserted or changed`, ...where });
      prev = env.hash;
    });
  }
};

/**
 * Signature checks are collected first and verified together (WebCrypto runs them at once), so
 * each check is an item and what to report when it fails.
 */
interface PendingSignature {
  readonly item: Ed25519Item;
  readonly fail: BundleFinding;
}

/** A verify function for the note code that records what it is asked and answers yes: the answers come later. */
const deferredVerify = (into: Ed25519Item[]): Ed25519Verify => (message, signature, publicKey) => {
  into.push([Uint8Array.from(message), Uint8Array.from(signature), publicKey]);
  return true;
};

/**
 * Every envelope covered by a signature of a trusted key: its own, or (per-batch signing) the
 * next signed one of its stream. Keys-stream envelopes are judged by the trust at their point
 * of that stream; the others by the trust at the end of the keys prefix, where a key revoked
 * before the judged fact (or at a place the bundle does not prove) signs nothing.
 */
const checkSignatures = (d: DecodedBundle, trust: KeyTrust, revokedAfterJudged: ReadonlySet<string>, out: BundleFinding[]): PendingSignature[] => {
  const pending: PendingSignature[] = [];
  for (const s of d.streams) {
    let unsigned: Envelope[] = [];
    s.envelopes.forEach((env, i) => {
      if (env.sig === undefined) {
        unsigned.push(env);
        return;
      }
      const covered = [env, ...unsigned];
      unsigned = [];
      const where = { stream: s.stream, eventId: env.id };
      const key = s.stream === 'keys' ? trust.signerAt[i] : trust.key(env.keyId);
      if (key === undefined) {
        out.push({ code: 'UNKNOWN_KEY', message: `envelope ${env.id} is signed by key "${env.keyId}", which is not trusted (covering ${covered.length} envelope(s))`, ...where });
        return;
      }
      const afterFold = s.stream !== 'keys' && i >= s.folded;
      if (key.revoked && (s.stream === 'keys' || afterFold || !revokedAfterJudged.has(env.keyId))) {
        out.push({ code: 'REVOKED_KEY', message: `envelope ${env.id} is signed by key "${env.keyId}", which was revoked before the judged fact or at a place the bundle does not prove`, ...where });
      }
      const sig = hexDecode(env.sig) ?? new Uint8Array(0);
      pending.push({ item: [hexDecode(env.hash)!, sig, key.publicKey], fail: { code: 'BAD_SIGNATURE', message: `the signature on envelope ${env.id} by key "${env.keyId}" does not verify`, ...where } });
    });
    for (const env of unsigned) out.push({ code: 'BAD_SIGNATURE', stream: s.stream, eventId: env.id, message: `envelope ${env.id} of "${s.stream}" is unsigned and no later envelope of the bundle's prefix signs it` });
  }
  return pending;
};

const openTheCheckpoint = (d: DecodedBundle, trust: KeyTrust, out: BundleFinding[], signatures: Ed25519Item[]): LogCheckpoint | undefined => {
  const origin = d.bundle.ledger;
  let verifiers;
  try {
    verifiers = trust.all.map((k) => logKeyVerifier(origin, k.publicKey, deferredVerify(signatures)));
  } catch (e) {
    out.push({ code: 'CHECKPOINT_INVALID', message: `the ledger's name "${origin}" cannot name a checkpoint key: ${(e as Error).message}` });
    return undefined;
  }
  const opened = openCheckpoint(d.bundle.checkpoint, { origin, verifiers });
  if (!opened.ok) {
    out.push({ code: 'CHECKPOINT_INVALID', message: `the checkpoint does not verify: ${opened.reason}` });
    return undefined;
  }
  return opened.value.checkpoint;
};

const checkWitnesses = (note: string, witnesses: readonly GivenKey[], out: BundleFinding[], pending: PendingSignature[]): string[] => {
  const by: string[] = [];
  for (const w of witnesses) {
    const items: Ed25519Item[] = [];
    const c = verifyCosignature(note, witnessKey(w.keyId, w.publicKey), deferredVerify(items));
    const fail: BundleFinding = { code: 'WITNESS_MISSING', message: `the checkpoint lacks a valid cosignature of witness "${w.keyId}": its signature does not verify` };
    if (!c.ok) out.push({ code: 'WITNESS_MISSING', message: `the checkpoint lacks a valid cosignature of witness "${w.keyId}": ${c.reason}` });
    else by.push(w.keyId), pending.push(...items.map((item) => ({ item, fail })));
  }
  return by;
};

const included = (cp: LogCheckpoint, envelopeHash: string, leafIndex: number, proof: readonly string[]): string | undefined => {
  const r = checkInclusion({ index: leafIndex, size: cp.size, leafHash: leafHashOf(envelopeHash), proof: proof.map((p) => hexDecode(p)!), root: cp.root }, nodeHash);
  return r.ok ? undefined : r.reason;
};

/** Each prefix's last folded envelope in the checkpoint's tree, every prefix before the judged fact; the keys' revocations placed. */
const checkInclusions = (d: DecodedBundle, cp: LogCheckpoint, out: BundleFinding[]): Set<string> => {
  const judgedIndex = d.judged.stream.inclusion.leafIndex;
  const revokedAfter = new Set<string>();
  for (const s of d.streams) {
    const last = s.envelopes[s.folded - 1]!;
    const why = included(cp, last.hash, s.inclusion.leafIndex, s.inclusion.proof);
    const where = { stream: s.stream, eventId: last.id };
    if (why !== undefined) out.push({ code: 'INCLUSION_FAILED', message: `envelope ${last.id} of "${s.stream}" is not shown at leaf ${s.inclusion.leafIndex} of the checkpoint (size ${cp.size}): ${why}`, ...where });
    else if (s !== d.judged.stream && s.stream !== 'keys' && s.inclusion.leafIndex >= judgedIndex) {
      out.push({ code: 'PREFIX_ORDER', message: `the prefix of "${s.stream}" ends at leaf ${s.inclusion.leafIndex}, not before the judged fact (leaf ${judgedIndex})`, ...where });
    }
    for (const p of s.placed) {
      const env = s.envelopes[p.revision];
      if (env === undefined || p.revision >= s.folded) {
        out.push({ code: 'INCLUSION_FAILED', stream: s.stream, message: `a placed proof names revision ${p.revision} of "${s.stream}", which is not in its prefix` });
        continue;
      }
      const bad = included(cp, env.hash, p.leafIndex, p.proof);
      if (bad !== undefined) out.push({ code: 'INCLUSION_FAILED', stream: s.stream, eventId: env.id, message: `envelope ${env.id} of "${s.stream}" is not shown at leaf ${p.leafIndex}: ${bad}` });
      else if (env.fact.type === 'KeyRevoked' && p.leafIndex > judgedIndex) revokedAfter.add(env.fact.keyId);
    }
  }
  return revokedAfter;
};

/** The audit's fold over the bundled facts: every other stream's prefix, then the judged one's, the judged fact last. */
export const deriveVerdict = (d: DecodedBundle): FactVerdict | undefined => {
  const state = initialComplianceState({ defaultPolicy: seedPolicy, keepEveryVerdict: true });
  const others = d.streams.filter((s) => s !== d.judged.stream && s.stream !== 'keys').sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  for (const s of [...others, d.judged.stream]) for (const env of s.envelopes.slice(0, s.folded)) applyCompliance(state, env);
  const env = d.judged.envelope;
  return factVerdict(state, env.id, env.fact.type as ProvableType, env.recordedAt);
};

const checksOf = (findings: readonly BundleFinding[], skipped: ReadonlySet<BundleCheckId>): BundleCheck[] =>
  BUNDLE_CHECKS.map((check) => {
    const mine = findings.filter((f) => CHECK_OF[f.code] === check);
    return { check, title: CHECK_TITLES[check], ok: mine.length === 0 && !skipped.has(check), ...(skipped.has(check) && mine.length === 0 ? { skipped: true as const } : {}), findings: mine };
  });

const result = (findings: readonly BundleFinding[], skipped: ReadonlySet<BundleCheckId>, rest: Partial<BundleVerification>): BundleVerification => {
  const checks = checksOf(findings, skipped);
  const failed = checks.filter((c) => !c.ok && c.skipped !== true).map((c) => c.check);
  return { ok: checks.every((c) => c.ok), checks, failed, ...rest };
};

/**
 * Verifies a bundle (its JSON text or the parsed document): every hash, chain link, key
 * endorsement, signature, the checkpoint's signature and cosignatures, every inclusion proof;
 * then re-derives the verdict from the bundled facts and compares it with the stated one.
 */
export const verifyBundle = async (input: unknown, options: VerifyBundleOptions): Promise<BundleVerification> => {
  if (options.trust.length === 0) throw new Error('verifying a bundle needs the ledger\'s public key (--trust): keys are never taken from the bundle alone');
  const shape = decodeBundle(input);
  const all = new Set<BundleCheckId>(BUNDLE_CHECKS);
  if (!shape.ok) return result(shape.findings, new Set([...all].filter((c) => c !== 'format' && c !== 'hashes')), {});
  const d = shape.value;
  const findings: BundleFinding[] = [];
  checkEnvelopes(d.bundle.ledger, d.streams, findings);
  checkChains(d.streams, findings);
  const keysStream = d.streams.find((s) => s.stream === 'keys');
  const trust = walkKeyTrust(options.trust, keysStream?.envelopes.slice(0, keysStream.folded) ?? []);
  findings.push(...trust.findings);
  const skipped = new Set<BundleCheckId>();
  const checkpointSignatures: Ed25519Item[] = [];
  let cp = openTheCheckpoint(d, trust, findings, checkpointSignatures);
  const pending: PendingSignature[] = checkpointSignatures.map((item) => ({ item, fail: { code: 'CHECKPOINT_INVALID', message: 'the checkpoint\'s signature by a trusted key does not verify' } }));
  let revokedAfter = new Set<string>();
  let witnessedBy: string[] = [];
  if (cp !== undefined) {
    witnessedBy = checkWitnesses(d.bundle.checkpoint, options.witnesses ?? [], findings, pending);
    revokedAfter = checkInclusions(d, cp, findings);
  }
  pending.push(...checkSignatures(d, trust, revokedAfter, findings));
  const answers = await verifyEd25519(pending.map((p) => p.item));
  const failures = pending.filter((_, i) => !answers[i]).map((p) => p.fail);
  for (const f of failures) if (!findings.some((x) => x.code === f.code && x.message === f.message)) findings.push(f);
  if (failures.some((f) => f.code === 'CHECKPOINT_INVALID')) {
    cp = undefined;
    witnessedBy = [];
  }
  if (cp === undefined) {
    skipped.add('witnesses').add('inclusion');
    for (let i = findings.length - 1; i >= 0; i--) if (findings[i]!.code === 'WITNESS_MISSING' || findings[i]!.code === 'INCLUSION_FAILED' || findings[i]!.code === 'PREFIX_ORDER') findings.splice(i, 1);
  }
  const base = {
    eventId: d.bundle.eventId,
    ledger: d.bundle.ledger,
    stated: d.bundle.verdict,
    ...(cp === undefined ? {} : { checkpoint: { size: cp.size, root: hexEncode(cp.root), witnessedBy } }),
  };
  if (findings.length > 0 || skipped.size > 0) return result(findings, skipped.add('verdict'), base);
  const derived = deriveVerdict(d);
  if (derived === undefined) {
    findings.push({ code: 'VERDICT_MISMATCH', eventId: d.bundle.eventId, message: 'the rules give the judged fact no verdict from the bundled facts' });
  } else if (canonicalize(derived) !== canonicalize(d.bundle.verdict)) {
    findings.push({ code: 'VERDICT_MISMATCH', eventId: d.bundle.eventId, message: `the bundle states ${describe(d.bundle.verdict)}, but the rules give ${describe(derived)} on the bundled facts` });
  }
  return result(findings, skipped, { ...base, ...(derived === undefined ? {} : { derived }) });
};

/** A verdict in a few words: "ok on consent", "violation PURPOSE_NOT_DECLARED". */
export const describe = (v: unknown): string => {
  const o = v as { verdict?: unknown; basis?: unknown; violations?: { code?: unknown }[] } | null;
  if (o === null || typeof o !== 'object') return 'no verdict';
  if (o.verdict === 'ok') return typeof o.basis === 'string' ? `ok on ${o.basis}` : 'ok';
  const codes = Array.isArray(o.violations) ? o.violations.map((x) => String(x?.code)).join(', ') : '';
  return `${String(o.verdict)}${codes ? ' ' + codes : ''}`;
};

