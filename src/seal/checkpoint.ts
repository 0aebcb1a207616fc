// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) and tlog-cosignature cosignature/v1
// (https://c2sp.org/tlog-cosignature): a checkpoint is a signed note whose text is the origin,
// the tree size and the base64 root; a witness adds a timestamped signature line over it.
import { LedgerError } from '../domain/errors.js';
import { base64Decode, base64Encode, concatBytes, utf8Encode } from './bytes.js';
import { accept, refuse, type Checked } from './checked.js';
import { SHA256_SIZE as HASH_SIZE } from './sha256.js';
import {
  addSignatures, keyHashOf, naclVerify, openNote, parseVerifierKey, signNote, splitNote, SIG_TYPE_COSIGNATURE_V1,
  type Ed25519SigningKey, type Ed25519Verify, type NoteSigner, type NoteVerifier, type NoteVerifierKey, type OpenedNote,
} from './note.js';

export interface LogCheckpoint {
  /** The log's identity: a schema-less URL-like name, no spaces or `+`. */
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  /** Optional lines after the root (C2SP does not recommend them); each non-empty. */
  readonly extensions: readonly string[];
}

export interface OpenCheckpointOptions {
  /** The origin the caller trusts: a checkpoint of another log is refused, whoever signed it. */
  readonly origin: string;
  /** The log's keys. */
  readonly verifiers: readonly NoteVerifier[];
}

export interface OpenedCheckpoint {
  readonly checkpoint: LogCheckpoint;
  readonly note: OpenedNote;
}

/** A witness's signing key and name. A `Signer` spread with a name is one. */
export interface WitnessSigner extends Ed25519SigningKey {
  readonly name: string;
}

export interface Cosignature {
  readonly name: string;
  readonly keyHash: string;
  /** Seconds since the Unix epoch, as the witness stated it. */
  readonly timestamp: number;
}

const SIZE = /^(0|[1-9][0-9]*)$/;

const badOrigin = (origin: string): string | undefined =>
  origin.length === 0 ? 'the origin is empty' : /[\s+]/u.test(origin) ? `the origin "${origin}" contains a space or "+"` : undefined;

const badCheckpoint = (cp: LogCheckpoint): string | undefined => {
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) return `the size ${cp.size} is not a non-negative safe integer`;
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== HASH_SIZE) return `the root is not a ${HASH_SIZE}-byte hash`;
  const ext = cp.extensions.findIndex((l) => l.length === 0 || l.includes('\n'));
  if (ext >= 0) return `extension line ${ext + 1} is empty or holds a newline`;
  return badOrigin(cp.origin) ?? (cp.origin.includes('\n') ? 'the origin holds a newline' : undefined);
};

/** The checkpoint body: origin, size, base64 root, extension lines, each ending in a newline. */
export const formatCheckpoint = (cp: LogCheckpoint): string => {
  const bad = badCheckpoint(cp);
  if (bad) throw new LedgerError('INVALID_INPUT', `not a checkpoint: ${bad}`);
  return [cp.origin, String(cp.size), base64Encode(cp.root), ...cp.extensions].map((l) => l + '\n').join('');
};

/** Parses a checkpoint body strictly, naming what is wrong. */
export const parseCheckpoint = (body: string): Checked<LogCheckpoint> => {
  if (!body.endsWith('\n')) return refuse('a checkpoint ends in a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) return refuse('a checkpoint has an origin, a size and a root line');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  const bad = badOrigin(origin);
  if (bad) return refuse(bad);
  if (!SIZE.test(size)) return refuse(`the size "${size}" is not a decimal number without leading zeros`);
  const n = Number(size);
  if (!Number.isSafeInteger(n)) return refuse(`the size ${size} is beyond 2^53 - 1`);
  const hash = base64Decode(root);
  if (!hash || hash.length !== HASH_SIZE) return refuse(`the root "${root}" is not the base64 of a ${HASH_SIZE}-byte hash`);
  const empty = extensions.findIndex((l) => l.length === 0);
  if (empty >= 0) return refuse(`extension line ${empty + 1} is empty`);
  return accept({ origin, size: n, root: hash, extensions });
};

/** Formats and signs a checkpoint; the log's key name should be its origin. */
export const signCheckpoint = (cp: LogCheckpoint, signers: readonly NoteSigner[]): string => signNote(formatCheckpoint(cp), signers);

/** Opens a checkpoint note: signed by one of the log's keys (see openNote), well formed, of the expected origin. */
export const openCheckpoint = (note: string | Uint8Array, options: OpenCheckpointOptions): Checked<OpenedCheckpoint> => {
  const opened = openNote(note, options.verifiers);
  if (!opened.ok) return opened;
  const cp = parseCheckpoint(opened.value.text);
  if (!cp.ok) return cp;
  if (cp.value.origin !== options.origin) return refuse(`the checkpoint is of origin "${cp.value.origin}", expected "${options.origin}"`);
  return accept({ checkpoint: cp.value, note: opened.value });
};

/** cosignature/v1 key id: SHA-256(name || 0x0A || 0x04 || public key)[:4]. */
export const cosignatureKeyHash = (name: string, publicKey: Uint8Array): string => keyHashOf(name, SIG_TYPE_COSIGNATURE_V1, publicKey);

const cosignedMessage = (timestamp: bigint, body: Uint8Array): Uint8Array =>
  concatBytes(utf8Encode(`cosignature/v1\ntime ${timestamp}\n`), body);

const u64 = (n: bigint): Uint8Array => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
};

/**
 * Adds a witness's cosignature/v1 line to a checkpoint note. It checks that the note is a
 * well-formed checkpoint, not who signed it: a witness opens it with the log's key first.
 */
export const cosign = (checkpointNote: string, witness: WitnessSigner, timestamp: number): string => {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new LedgerError('INVALID_INPUT', `timestamp ${timestamp} is not a non-negative integer`);
  const split = splitNote(checkpointNote);
  if (!split.ok) throw new LedgerError('INVALID_INPUT', `cannot cosign: ${split.reason}`);
  const cp = parseCheckpoint(split.value.text);
  if (!cp.ok) throw new LedgerError('INVALID_INPUT', `cannot cosign: ${cp.reason}`);
  const ts = BigInt(timestamp);
  const signer: NoteSigner = {
    name: witness.name,
    keyHash: cosignatureKeyHash(witness.name, witness.publicKey),
    sign: (body) => concatBytes(u64(ts), witness.sign(cosignedMessage(ts, body))),
  };
  return addSignatures(checkpointNote, [signer]);
};

const readU64 = (sig: Uint8Array): bigint => new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0);

/** A note verifier for one witness's cosignature/v1 lines. */
export const cosignatureVerifier = (key: NoteVerifierKey | string, verify: Ed25519Verify = naclVerify): NoteVerifier => {
  const k = typeof key === 'string' ? parseVerifierKey(key) : key;
  if (k.type !== SIG_TYPE_COSIGNATURE_V1) throw new LedgerError('KEY_INVALID', `${k.name}+${k.keyHash} is not a cosignature/v1 key (type ${k.type})`);
  return {
    name: k.name,
    keyHash: k.keyHash,
    verify: (body, sig) => sig.length === 8 + 64 && verify(cosignedMessage(readU64(sig), body), sig.subarray(8), k.publicKey),
  };
};

/** A witness key from its name and public key, for cosignatureVerifier. */
export const witnessKey = (name: string, publicKey: Uint8Array): NoteVerifierKey => ({
  name, keyHash: cosignatureKeyHash(name, publicKey), type: SIG_TYPE_COSIGNATURE_V1, publicKey,
});

/** Checks that the witness cosigned this checkpoint note; other signatures are not checked. */
export const verifyCosignature = (note: string | Uint8Array, witness: NoteVerifierKey | string, verify: Ed25519Verify = naclVerify): Checked<Cosignature> => {
  const verifier = cosignatureVerifier(witness, verify);
  const opened = openNote(note, [verifier]);
  if (!opened.ok) return refuse(`no valid cosignature by ${verifier.name}+${verifier.keyHash}: ${opened.reason}`);
  const cp = parseCheckpoint(opened.value.text);
  if (!cp.ok) return refuse(`a cosigned note must be a checkpoint: ${cp.reason}`);
  const ts = readU64(opened.value.verified[0]!.signature);
  if (ts > BigInt(Number.MAX_SAFE_INTEGER)) return refuse(`the cosignature's timestamp ${ts} is beyond 2^53 - 1`);
  return accept({ name: verifier.name, keyHash: verifier.keyHash, timestamp: Number(ts) });
};

/** Checks that every witness given cosigned the note. */
export const verifyCosignatures = (
  note: string | Uint8Array,
  witnesses: readonly (NoteVerifierKey | string)[],
  verify: Ed25519Verify = naclVerify,
): Checked<readonly Cosignature[]> => {
  const out: Cosignature[] = [];
  for (const w of witnesses) {
    const c = verifyCosignature(note, w, verify);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return accept(out);
};
