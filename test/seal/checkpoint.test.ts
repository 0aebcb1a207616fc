// C2SP tlog-checkpoint and cosignature/v1: exact formats, strict parsing, and what a forger
// tries (another origin, a changed size or root, a moved or re-dated cosignature).
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, hexEncode, utf8Encode } from '../../src/seal/bytes.js';
import {
  cosign, cosignatureKeyHash, cosignatureVerifier, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, verifyCosignature,
  verifyCosignatures, witnessKey, type LogCheckpoint,
} from '../../src/seal/checkpoint.js';
import { EMPTY_ROOT, leafHash } from '../../src/seal/merkle.js';
import { ed25519NoteSigner, ed25519NoteVerifier, formatVerifierKey, openNote, splitNote } from '../../src/seal/note.js';
import { naclSigner, nodeSigner, nodeVerifier } from '../../src/seal/signers.js';

const ORIGIN = 'example.org/ledger/7f3a';
const logKey = naclSigner(new Uint8Array(32).fill(0x11));
const logSigner = ed25519NoteSigner(ORIGIN, logKey);
const logVerifier = ed25519NoteVerifier(formatVerifierKey(ORIGIN, logKey.publicKey));
const witnessSeed = new Uint8Array(32).fill(0x22);
const witness = { ...nodeSigner(witnessSeed), name: 'witness.example/w1' };
const witnessVkey = formatVerifierKey(witness.name, witness.publicKey, 4);
const root = leafHash(utf8Encode('root'));
const cp: LogCheckpoint = { origin: ORIGIN, size: 42, root, extensions: [] };
const note = signCheckpoint(cp, [logSigner]);
const TS = 1_767_225_600;

describe('checkpoint body', () => {
  it('is the origin, the decimal size and the base64 root, one a line, then any extension lines', () => {
    expect(formatCheckpoint(cp)).toBe(`${ORIGIN}\n42\n${base64Encode(root)}\n`);
    const ext = { ...cp, size: 0, root: EMPTY_ROOT, extensions: ['ext one', 'two'] };
    expect(formatCheckpoint(ext)).toBe(`${ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\ntwo\n`);
    expect(parseCheckpoint(formatCheckpoint(ext))).toEqual({ ok: true, value: ext });
    expect(parseCheckpoint(formatCheckpoint(cp))).toEqual({ ok: true, value: cp });
    expect(parseCheckpoint(`${ORIGIN}\n9007199254740991\n${base64Encode(root)}\n`)).toMatchObject({ ok: true, value: { size: 2 ** 53 - 1 } });
  });

  const b64 = base64Encode(root);
  it.each([
    ['no final newline', `${ORIGIN}\n42\n${b64}`, /ends in a newline/],
    ['no root line', `${ORIGIN}\n42\n`, /origin, a size and a root/],
    ['an empty origin', `\n42\n${b64}\n`, /origin is empty/],
    ['a space in the origin', `example.org ledger\n42\n${b64}\n`, /space or "\+"/],
    ['a "+" in the origin', `example.org+ledger\n42\n${b64}\n`, /space or "\+"/],
    ['a leading zero', `${ORIGIN}\n042\n${b64}\n`, /leading zeros/],
    ['a negative size', `${ORIGIN}\n-1\n${b64}\n`, /decimal/],
    ['a size with a sign', `${ORIGIN}\n+1\n${b64}\n`, /decimal/],
    ['a size with a space', `${ORIGIN}\n 1\n${b64}\n`, /decimal/],
    ['an empty size', `${ORIGIN}\n\n${b64}\n`, /decimal/],
    ['a hex size', `${ORIGIN}\n0x2a\n${b64}\n`, /decimal/],
    ['a size beyond 2^53', `${ORIGIN}\n9007199254740993\n${b64}\n`, /beyond 2\^53/],
    ['a 31-byte root', `${ORIGIN}\n42\n${base64Encode(root.subarray(1))}\n`, /32-byte/],
    ['a hex root', `${ORIGIN}\n42\n${hexEncode(root)}\n`, /32-byte/],
    ['unpadded base64', `${ORIGIN}\n42\n${b64.replace(/=+$/, '')}\n`, /32-byte/],
    ['an empty extension line', `${ORIGIN}\n42\n${b64}\n\nx\n`, /extension line 1 is empty/],
  ])('refuses %s', (_n, body, why) => {
    const r = parseCheckpoint(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });

  it('refuses to format what it could not parse', () => {
    for (const bad of [{ ...cp, origin: 'a b' }, { ...cp, origin: '' }, { ...cp, size: -1 }, { ...cp, size: 1.5 }, { ...cp, root: root.subarray(2) },
      { ...cp, extensions: [''] }, { ...cp, extensions: ['a\nb'] }]) {
      expect(() => formatCheckpoint(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});

describe('signed checkpoints', () => {
  it('open with the log key and the expected origin', () => {
    const opened = openCheckpoint(note, { origin: ORIGIN, verifiers: [logVerifier] });
    expect(opened).toMatchObject({ ok: true, value: { checkpoint: cp } });
    expect(note.split('\n')[4]).toMatch(/^— example\.org\/ledger\/7f3a [A-Za-z0-9+/]{91}=$/);
  });

  it('refuse another origin, another key, a changed size or root', () => {
    const open = (n: string, origin = ORIGIN) => openCheckpoint(n, { origin, verifiers: [logVerifier] });
    expect(open(note, 'example.org/ledger/other')).toMatchObject({ ok: false, reason: /origin "example.org\/ledger\/7f3a", expected/ });
    const intruder = signCheckpoint(cp, [ed25519NoteSigner(ORIGIN, naclSigner(new Uint8Array(32).fill(0x66)))]);
    expect(open(intruder)).toMatchObject({ ok: false, reason: /no signature by a known key/ });
    expect(open(note.replace('\n42\n', '\n43\n'))).toMatchObject({ ok: false, reason: /does not verify/ });
    expect(open(note.replace(base64Encode(root), base64Encode(EMPTY_ROOT)))).toMatchObject({ ok: false, reason: /does not verify/ });
    const notACheckpoint = signCheckpoint(cp, [logSigner]).replace(/^[^\n]*\n/, '');
    expect(open(notACheckpoint).ok).toBe(false);
  });
});

describe('cosignature/v1', () => {
  const cosigned = cosign(note, witness, TS);
  const line = cosigned.slice(note.length);

  it('appends one line: key id, big-endian timestamp, Ed25519 signature over "cosignature/v1\\ntime <ts>\\n" and the body', () => {
    expect(cosigned.startsWith(note)).toBe(true);
    expect(line).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/]+=*\n$/);
    const raw = base64Decode(line.trim().split(' ')[2]!)!;
    expect(raw).toHaveLength(4 + 8 + 64);
    expect(hexEncode(raw.subarray(0, 4))).toBe(cosignatureKeyHash(witness.name, witness.publicKey));
    expect(new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0)).toBe(BigInt(TS));
    // Checked here by hand, independently of the verifier under test:
    const message = utf8Encode(`cosignature/v1\ntime ${TS}\n${formatCheckpoint(cp)}`);
    expect(nacl.sign.detached.verify(message, raw.subarray(12), witness.publicKey)).toBe(true);
  });

  it('verifies, by tweetnacl and by node:crypto, and leaves the log signature openable', () => {
    expect(verifyCosignature(cosigned, witnessVkey)).toEqual({
      ok: true, value: { name: witness.name, keyHash: cosignatureKeyHash(witness.name, witness.publicKey), timestamp: TS },
    });
    expect(verifyCosignature(cosigned, witnessKey(witness.name, witness.publicKey), nodeVerifier.verify).ok).toBe(true);
    expect(openCheckpoint(cosigned, { origin: ORIGIN, verifiers: [logVerifier] }).ok).toBe(true);
    const both = openNote(cosigned, [logVerifier, cosignatureVerifier(witnessVkey)]);
    expect(both.ok && both.value.verified.length).toBe(2);
  });

  it('uses key ids of type 0x04, never equal to the same key as a note signer', () => {
    expect(cosignatureKeyHash(witness.name, witness.publicKey)).not.toBe(ed25519NoteSigner(witness.name, witness).keyHash);
    // A note verifier for the witness key (type 0x01) does not know the cosignature line.
    const asNoteKey = ed25519NoteVerifier(formatVerifierKey(witness.name, witness.publicKey));
    expect(openNote(cosigned, [asNoteKey])).toMatchObject({ ok: false, reason: /no signature by a known key/ });
    expect(() => cosignatureVerifier(formatVerifierKey(witness.name, witness.publicKey))).toThrow(/not a cosignature\/v1 key/);
  });

  it('decodes the layout of the C2SP example: key id 8d66cf3f, then the timestamp 1679315147', () => {
    // The first 12 bytes the spec's example line carries, then a signature we do not check.
    const sig = base64Encode(new Uint8Array([0x8d, 0x66, 0xcf, 0x3f, 0, 0, 0, 0, 0x64, 0x18, 0x50, 0xcb, ...new Uint8Array(64)]));
    expect(sig.startsWith('jWbPPwAAAABkGFDL')).toBe(true);
    const split = splitNote(note + `— witness.example.com/w1 ${sig}\n`);
    expect(split.ok && split.value.signatures[1]!.keyHash).toBe('8d66cf3f');
    if (split.ok) expect(new DataView(split.value.signatures[1]!.signature.buffer, split.value.signatures[1]!.signature.byteOffset).getBigUint64(0)).toBe(1679315147n);
  });

  it('refuses another witness, a changed timestamp, a cosignature moved to another checkpoint', () => {
    const stranger = formatVerifierKey('witness.example/w2', naclSigner(new Uint8Array(32).fill(0x33)).publicKey, 4);
    expect(verifyCosignature(cosigned, stranger)).toMatchObject({ ok: false, reason: /no valid cosignature by witness\.example\/w2/ });
    const raw = base64Decode(line.trim().split(' ')[2]!)!;
    raw[11]! ^= 1; // re-dated by one second
    const redated = note + `— ${witness.name} ${base64Encode(raw)}\n`;
    expect(verifyCosignature(redated, witnessVkey)).toMatchObject({ ok: false, reason: /does not verify/ });
    const otherNote = signCheckpoint({ ...cp, size: 43 }, [logSigner]);
    expect(verifyCosignature(otherNote + line, witnessVkey)).toMatchObject({ ok: false, reason: /does not verify/ });
    expect(verifyCosignature(note, witnessVkey)).toMatchObject({ ok: false, reason: /no signature by a known key/ });
    const short = note + `— ${witness.name} ${base64Encode(raw.subarray(0, 40))}\n`;
    expect(verifyCosignature(short, witnessVkey).ok).toBe(false);
  });

  it('verifyCosignatures needs every witness given', () => {
    const w2 = { ...naclSigner(new Uint8Array(32).fill(0x44)), name: 'witness.example/w2' };
    const w2key = witnessKey(w2.name, w2.publicKey);
    const twice = cosign(cosigned, w2, TS + 5);
    expect(verifyCosignatures(twice, [witnessVkey, w2key])).toMatchObject({ ok: true, value: [{ timestamp: TS }, { timestamp: TS + 5 }] });
    expect(verifyCosignatures(cosigned, [witnessVkey, w2key])).toMatchObject({ ok: false, reason: /witness\.example\/w2/ });
  });

  it('refuses to cosign what is not a checkpoint note, or with a bad timestamp', () => {
    expect(() => cosign('hello\n\n', witness, TS)).toThrow(/cannot cosign/);
    const plain = signCheckpoint(cp, [logSigner]).replace('\n42\n', '\n042\n');
    expect(() => cosign(plain, witness, TS)).toThrow(/leading zeros/);
    expect(() => cosign(note, witness, -1)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => cosign(note, witness, 2 ** 53)).toThrow(/timestamp/);
  });
});
