// C2SP signed-note v1.0.0 with Ed25519 (https://c2sp.org/signed-note): a UTF-8 text ending in
// a newline, a blank line, then one line per signature: `— <key name> <base64(key id || sig)>`.
import nacl from 'tweetnacl';
import { LedgerError } from '../domain/errors.js';
import { base64Decode, base64Encode, concatBytes, hexEncode, isWellFormedText, utf8Decode, utf8Encode } from './bytes.js';
import { accept, refuse, type Checked } from './checked.js';
import { sha256 } from './sha256.js';

/** Ed25519 verification, as node:crypto or tweetnacl provide it. */
export type Ed25519Verify = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;

/** An Ed25519 key that can sign; the library's `Signer` is one. */
export interface Ed25519SigningKey {
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** The default verifier: tweetnacl, pure JavaScript, so notes open outside Node too. */
export const naclVerify: Ed25519Verify = (message, signature, publicKey) =>
  signature.length === 64 && publicKey.length === 32 && nacl.sign.detached.verify(message, signature, publicKey);

/** Signature type bytes of C2SP signed-note: 0x01 Ed25519 (a note), 0x04 cosignature/v1. */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
export type SignatureType = typeof SIG_TYPE_ED25519 | typeof SIG_TYPE_COSIGNATURE_V1;

export interface NoteSigner {
  readonly name: string;
  /** The 4-byte key id, as 8 lowercase hex characters. */
  readonly keyHash: string;
  /** The signature bytes that follow the key id on the signature line, over the note text. */
  sign(text: Uint8Array): Uint8Array;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyHash: string;
  /** Checks the bytes that follow the key id on a signature line against the note text. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** A verifier key as `<name>+<hex key id>+<base64(0x01 || public key)>` describes it. */
export interface NoteVerifierKey {
  readonly name: string;
  readonly keyHash: string;
  /** SIG_TYPE_ED25519 for a note signer, SIG_TYPE_COSIGNATURE_V1 for a witness. */
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyHash: string;
  /** The bytes after the key id. */
  readonly signature: Uint8Array;
}

export interface OpenedNote {
  readonly text: string;
  /** Signatures by the verifiers given, each checked. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by keys the caller does not know: ignored, not checked. */
  readonly unknown: readonly NoteSignature[];
}

/** A signed note cut into its text and signature lines, nothing verified. */
export interface SplitNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** More than any real note carries; the spec asks verifiers to accept at least 16. */
export const MAX_SIGNATURES = 100;
const DASH = '\u2014 ';

/** A key name: non-empty, no Unicode space, no `+`. */
export const isValidKeyName = (name: string): boolean =>
  name.length > 0 && !/[\s\u0085+]/u.test(name) && isWellFormedText(name) && firstControl(name) < 0;

const firstControl = (text: string): number => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return i;
  }
  return -1;
};

/** Key id: SHA-256(name || 0x0A || type || public key)[:4], as 8 hex characters. */
export const keyHashOf = (name: string, type: number, publicKey: Uint8Array): string =>
  hexEncode(sha256(concatBytes(utf8Encode(name), Uint8Array.of(0x0a, type), publicKey)).subarray(0, 4));

const checkName = (name: string): void => {
  if (!isValidKeyName(name)) throw new LedgerError('KEY_INVALID', `"${name}" is not a key name: non-empty, no spaces, no "+"`, { name });
};

/** `<name>+<hex key id>+<base64(type || public key)>`; type 0x01 for a note signer, 0x04 for a witness. */
export const formatVerifierKey = (name: string, publicKey: Uint8Array, type: SignatureType = SIG_TYPE_ED25519): string => {
  checkName(name);
  if (publicKey.length !== 32) throw new LedgerError('KEY_INVALID', `an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  return `${name}+${keyHashOf(name, type, publicKey)}+${base64Encode(concatBytes(Uint8Array.of(type), publicKey))}`;
};

/** Parses a verifier key, refusing (KEY_INVALID) anything malformed, of another type, or whose key id does not match. */
export const parseVerifierKey = (text: string): NoteVerifierKey => {
  const fail = (why: string): never => {
    throw new LedgerError('KEY_INVALID', `verifier key "${text}": ${why}`, { key: text });
  };
  // Split at the first two '+' only: base64 may hold '+' too.
  const a = text.indexOf('+');
  const b = text.indexOf('+', a + 1);
  if (a < 0 || b < 0) fail('expected <name>+<key id>+<key>');
  const [name, keyHash, b64] = [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
  if (!isValidKeyName(name)) fail('the name must be non-empty, with no spaces');
  if (!/^[0-9a-f]{8}$/.test(keyHash)) fail('the key id must be 8 lowercase hex characters');
  const raw = base64Decode(b64);
  if (!raw) return fail('the key is not standard base64');
  const type = raw[0];
  if (type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) return fail(`unknown signature type ${type} (1 Ed25519, 4 cosignature/v1)`);
  if (raw.length !== 33) fail(`an Ed25519 key is 32 bytes, got ${raw.length - 1}`);
  const publicKey = raw.subarray(1);
  if (keyHashOf(name, type, publicKey) !== keyHash) fail('the key id does not match the name and key');
  return { name, keyHash, type, publicKey: Uint8Array.from(publicKey) };
};

export const ed25519NoteSigner = (name: string, key: Ed25519SigningKey): NoteSigner => {
  checkName(name);
  return { name, keyHash: keyHashOf(name, SIG_TYPE_ED25519, key.publicKey), sign: (text) => key.sign(text) };
};

export const ed25519NoteVerifier = (key: NoteVerifierKey | string, verify: Ed25519Verify = naclVerify): NoteVerifier => {
  const k = typeof key === 'string' ? parseVerifierKey(key) : key;
  if (k.type !== SIG_TYPE_ED25519) throw new LedgerError('KEY_INVALID', `${k.name}+${k.keyHash} is not an Ed25519 note key (type ${k.type})`);
  return { name: k.name, keyHash: k.keyHash, verify: (text, sig) => verify(text, sig, k.publicKey) };
};

/** The verifier of notes a log signs with one of its Ed25519 keys: the note key is named by the log's origin. */
export const logKeyVerifier = (origin: string, publicKey: Uint8Array, verify: Ed25519Verify = naclVerify): NoteVerifier =>
  ed25519NoteVerifier({ name: origin, keyHash: keyHashOf(origin, SIG_TYPE_ED25519, publicKey), type: SIG_TYPE_ED25519, publicKey }, verify);

/** Why a text cannot be a note's text, or undefined. */
const badText = (text: string): string | undefined => {
  if (!isWellFormedText(text)) return 'the note is not valid UTF-8';
  const c = firstControl(text);
  if (c >= 0) return `control character U+${text.charCodeAt(c).toString(16).padStart(4, '0')} at offset ${c}`;
  return undefined;
};

const signatureLine = (s: NoteSigner, text: Uint8Array): string => {
  const keyId = Uint8Array.from(s.keyHash.match(/../g)!.map((h) => parseInt(h, 16)));
  return `${DASH}${s.name} ${base64Encode(concatBytes(keyId, s.sign(text)))}\n`;
};

/** Signs `text` (UTF-8, ending in a newline, no control characters but newline) by each signer. */
export const signNote = (text: string, signers: readonly NoteSigner[]): string => {
  const bad = badText(text) ?? (text.endsWith('\n') ? undefined : 'the text must end in a newline');
  if (bad) throw new LedgerError('INVALID_INPUT', `cannot sign this note: ${bad}`);
  if (signers.length === 0) throw new LedgerError('INVALID_INPUT', 'a note needs at least one signer');
  const bytes = utf8Encode(text);
  return text + '\n' + signers.map((s) => signatureLine(s, bytes)).join('');
};

/** Adds signature lines to a well-formed note (its existing signatures are not checked). */
export const addSignatures = (note: string, signers: readonly NoteSigner[]): string => {
  const split = splitNote(note);
  if (!split.ok) throw new LedgerError('INVALID_INPUT', `cannot add a signature: ${split.reason}`);
  const bytes = utf8Encode(split.value.text);
  return note + signers.map((s) => signatureLine(s, bytes)).join('');
};

const parseSignatureLine = (line: string, n: number): Checked<NoteSignature> => {
  if (!line.startsWith(DASH)) return refuse(`signature line ${n} does not start with "— "`);
  const rest = line.slice(DASH.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  if (space < 0 || !isValidKeyName(name)) return refuse(`signature line ${n} has no valid key name`);
  const raw = base64Decode(rest.slice(space + 1));
  if (!raw) return refuse(`signature line ${n} is not "— <name> <base64>"`);
  if (raw.length < 5) return refuse(`signature line ${n} is too short for a key id and a signature`);
  return accept({ name, keyHash: hexEncode(raw.subarray(0, 4)), signature: raw.subarray(4) });
};

/** Cuts a note at its last blank line and parses the signature lines; checks no signature. */
export const splitNote = (note: string | Uint8Array): Checked<SplitNote> => {
  const msg = typeof note === 'string' ? note : utf8Decode(note);
  if (msg === undefined) return refuse('the note is not valid UTF-8');
  const bad = badText(msg);
  if (bad) return refuse(bad);
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) return refuse('no blank line separates the text from its signatures');
  const sigs = msg.slice(split + 2);
  if (sigs.length === 0) return refuse('the note has no signature lines');
  if (!sigs.endsWith('\n')) return refuse('the note does not end in a newline');
  const lines = sigs.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return refuse(`more than ${MAX_SIGNATURES} signature lines`);
  const signatures: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    const s = parseSignatureLine(line, i + 1);
    if (!s.ok) return s;
    signatures.push(s.value);
  }
  return accept({ text: msg.slice(0, split + 1), signatures });
};

/**
 * Opens a signed note: unknown keys are ignored, a known key (same name and key id) whose
 * signature fails rejects the note, and at least one known key must have signed it.
 */
export const openNote = (note: string | Uint8Array, verifiers: readonly NoteVerifier[]): Checked<OpenedNote> => {
  const split = splitNote(note);
  if (!split.ok) return split;
  const { text, signatures } = split.value;
  const bytes = utf8Encode(text);
  const verified: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  for (const s of signatures) {
    const v = verifiers.find((k) => k.name === s.name && k.keyHash === s.keyHash);
    if (!v) unknown.push(s);
    else if (!v.verify(bytes, s.signature)) return refuse(`the signature by ${s.name}+${s.keyHash} does not verify`);
    else if (!verified.some((o) => o.name === s.name && o.keyHash === s.keyHash)) verified.push(s);
  }
  if (verified.length === 0) {
    const names = signatures.map((s) => `${s.name}+${s.keyHash}`).join(', ');
    return refuse(`no signature by a known key (signed by: ${names})`);
  }
  return accept({ text, verified, unknown });
};
