// C2SP signed-note v1.0.0 with Ed25519: the golang.org/x/mod sumdb/note vector, the spec's
// example verifier key, and the notes a verifier must refuse, written as a forger would.
import { describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import { base64Decode, base64Encode } from '../../src/seal/bytes.js';
import {
  ed25519NoteSigner, ed25519NoteVerifier, formatVerifierKey, keyHashOf, MAX_SIGNATURES, naclVerify, openNote, parseVerifierKey, signNote,
  type NoteSigner,
} from '../../src/seal/note.js';
import { naclSigner, nodeSigner, nodeVerifier } from '../../src/seal/signers.js';

const SECRET = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIG_LINE = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const EXAMPLE_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';

/** The seed inside a Go-style `PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>` (its base64 holds a '+'). */
const seedOf = (secret: string): Uint8Array => {
  const raw = base64Decode(secret.split('+').slice(4).join('+'))!;
  expect(raw[0]).toBe(1);
  return raw.subarray(1);
};
const seed = seedOf(SECRET);
const peter = ed25519NoteSigner('PeterNeumann', naclSigner(seed));
const peterVerifier = ed25519NoteVerifier(VKEY);
const NOTE = TEXT + '\n' + SIG_LINE + '\n';
const other = (name: string, fill: number): NoteSigner => ed25519NoteSigner(name, naclSigner(new Uint8Array(32).fill(fill)));

const refused = (note: string | Uint8Array, verifiers = [peterVerifier]): string => {
  const r = openNote(note, verifiers);
  if (r.ok) throw new Error('the note was accepted');
  return r.reason;
};

describe('the PeterNeumann vector (golang.org/x/mod sumdb/note)', () => {
  it('derives the published verifier key and key id from the secret key', () => {
    const key = parseVerifierKey(VKEY);
    expect(key).toMatchObject({ name: 'PeterNeumann', keyHash: 'c74f20a3', type: 1 });
    expect(naclSigner(seed).publicKey).toEqual(key.publicKey);
    expect(keyHashOf('PeterNeumann', 1, key.publicKey)).toBe('c74f20a3');
    expect(formatVerifierKey('PeterNeumann', key.publicKey)).toBe(VKEY);
    expect(peter.keyHash).toBe('c74f20a3');
  });

  it('signs to the exact published signature line, with tweetnacl and with node:crypto', () => {
    expect(signNote(TEXT, [peter])).toBe(NOTE);
    expect(signNote(TEXT, [ed25519NoteSigner('PeterNeumann', nodeSigner(seed))])).toBe(NOTE);
    expect(base64Decode(SIG_LINE.split(' ')[2]!)).toHaveLength(68);
  });

  it('opens the note, by the tweetnacl default and by a node:crypto verify function', () => {
    const opened = openNote(NOTE, [peterVerifier]);
    expect(opened).toMatchObject({ ok: true, value: { text: TEXT, unknown: [] } });
    if (opened.ok) expect(opened.value.verified.map((s) => [s.name, s.keyHash, s.signature.length])).toEqual([['PeterNeumann', 'c74f20a3', 64]]);
    expect(openNote(new TextEncoder().encode(NOTE), [ed25519NoteVerifier(VKEY, nodeVerifier.verify)]).ok).toBe(true);
  });
});

describe('verifier keys', () => {
  it('parses the C2SP example key and gives it back unchanged', () => {
    const key = parseVerifierKey(EXAMPLE_VKEY);
    expect(key).toMatchObject({ name: 'example.com/foo', keyHash: '530d903a', type: 1 });
    expect(key.publicKey).toHaveLength(32);
    expect(formatVerifierKey(key.name, key.publicKey)).toBe(EXAMPLE_VKEY);
  });

  it.each([
    ['no parts', 'PeterNeumann', /expected/],
    ['two parts', 'PeterNeumann+c74f20a3', /expected/],
    ['empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /name/],
    ['name with a space', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /name/],
    ['upper-case key id', 'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /8 lowercase hex/],
    ['short key id', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /8 lowercase hex/],
    ['wrong key id', 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /does not match/],
    ['key of another name', 'PaulNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /does not match/],
    ['truncated base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T', /base64/],
    ['URL-safe base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW', /base64/],
    ['unknown type', 'PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', /unknown signature type 2/],
    ['short key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy', /32 bytes/],
  ])('refuses a key with %s', (_name, text, why) => {
    try {
      parseVerifierKey(text);
      expect.unreachable();
    } catch (e) {
      expect(isLedgerError(e, 'KEY_INVALID')).toBe(true);
      expect((e as Error).message).toMatch(why);
    }
  });

  it('refuses to make a key or a signer with a bad name or key', () => {
    const pub = parseVerifierKey(VKEY).publicKey;
    expect(() => formatVerifierKey('a+b', pub)).toThrow(/key name/);
    expect(() => formatVerifierKey('a\tb', pub)).toThrow(/key name/);
    expect(() => formatVerifierKey('ab', pub.subarray(1))).toThrow(/32 bytes/);
    expect(() => ed25519NoteSigner('', naclSigner(seed))).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
    const witnessKey = formatVerifierKey('w', pub, 4);
    expect(() => ed25519NoteVerifier(witnessKey)).toThrow(/not an Ed25519 note key/);
  });
});

describe('opening a note refuses', () => {
  const bytes = new TextEncoder().encode(NOTE);

  it('bytes that are not UTF-8, and a string with a lone surrogate', () => {
    const bad = Uint8Array.from(bytes);
    bad[3] = 0xff;
    expect(refused(bad)).toMatch(/UTF-8/);
    expect(refused('\ud800' + NOTE)).toMatch(/UTF-8/);
  });

  it.each([['tab', '\t'], ['carriage return', '\r'], ['NUL', '\0'], ['escape', '\x1b'], ['DEL', '\x7f']])('a %s in the text', (_n, c) => {
    expect(refused(NOTE.replace('cryptography', `crypto${c}graphy`))).toMatch(/control character/);
  });

  it('a note without its final newline, without a blank line, or without signatures', () => {
    expect(refused(NOTE.slice(0, -1))).toMatch(/does not end in a newline/);
    expect(refused(TEXT + SIG_LINE + '\n')).toMatch(/no blank line/);
    expect(refused(TEXT + '\n')).toMatch(/no signature lines/);
  });

  it('a changed text, and a changed signature, from the known key', () => {
    expect(refused(NOTE.replace('answer', 'Answer'))).toMatch(/PeterNeumann\+c74f20a3 does not verify/);
    const raw = base64Decode(SIG_LINE.split(' ')[2]!)!;
    raw[20]! ^= 1;
    expect(refused(TEXT + '\n— PeterNeumann ' + base64Encode(raw) + '\n')).toMatch(/does not verify/);
  });

  it('a note signed only by unknown keys, or by the right name with another key id', () => {
    const stranger = signNote(TEXT, [other('Stranger', 1)]);
    expect(refused(stranger)).toMatch(/no signature by a known key \(signed by: Stranger\+/);
    const raw = base64Decode(SIG_LINE.split(' ')[2]!)!;
    raw[0]! ^= 1; // the key id: now names a key we do not know, so it is ignored, then nothing is left
    expect(refused(TEXT + '\n— PeterNeumann ' + base64Encode(raw) + '\n')).toMatch(/no signature by a known key/);
    expect(refused(NOTE, [])).toMatch(/no signature by a known key/);
  });

  it('a failing known key even when another known key verifies', () => {
    const good = other('Other', 2);
    const note = signNote(TEXT, [good]) + SIG_LINE.replace('Sffcv', 'Sffcw') + '\n';
    expect(refused(note, [peterVerifier, ed25519NoteVerifier(formatVerifierKey('Other', naclSigner(new Uint8Array(32).fill(2)).publicKey))]))
      .toMatch(/PeterNeumann.*does not verify/);
  });

  it.each([
    ['a hyphen for the em dash', SIG_LINE.replace('—', '-'), /does not start with/],
    ['no space before the name', SIG_LINE.replace('— ', '—'), /does not start with/],
    ['truncated base64', SIG_LINE.slice(0, -3), /base64/],
    ['two spaces', SIG_LINE.replace(' x08go', '  x08go'), /base64/],
    ['no signature after the name', '— PeterNeumann', /key name/],
    ['a signature too short for a key id', '— PeterNeumann AQIDBA==', /too short/],
    // The split is at the last blank line: an extra one belongs to the text, which then does not verify.
    ['a blank line before the signatures', '', /does not verify/],
  ])('a signature line with %s', (_n, line, why) => {
    expect(refused(TEXT + '\n' + line + '\n' + SIG_LINE + '\n')).toMatch(why);
  });

  it(`more than ${MAX_SIGNATURES} signature lines, but accepts 16 with one known among unknowns`, () => {
    const strangers = Array.from({ length: 15 }, (_, i) => other(`s${i}`, i + 10));
    const sixteen = signNote(TEXT, [...strangers, peter]);
    const opened = openNote(sixteen, [peterVerifier]);
    expect(opened.ok).toBe(true);
    if (opened.ok) expect(opened.value.unknown).toHaveLength(15);
    const line = SIG_LINE + '\n';
    expect(refused(TEXT + '\n' + line.repeat(MAX_SIGNATURES + 1))).toMatch(/more than 100/);
    expect(openNote(TEXT + '\n' + line.repeat(MAX_SIGNATURES), [peterVerifier]).ok).toBe(true);
  });
});

describe('signing and opening', () => {
  it('splits at the last blank line, so a text may hold blank lines of its own', () => {
    const text = 'a\n\nb\n\n';
    const opened = openNote(signNote(text, [peter]), [peterVerifier]);
    expect(opened).toMatchObject({ ok: true, value: { text } });
  });

  it('verifies 16 known signers, each once', () => {
    const signers = Array.from({ length: 16 }, (_, i) => other(`k${i}`, i + 1));
    const verifiers = signers.map((s, i) => ed25519NoteVerifier(formatVerifierKey(s.name, naclSigner(new Uint8Array(32).fill(i + 1)).publicKey), naclVerify));
    const opened = openNote(signNote('sixteen\n', signers), verifiers);
    expect(opened.ok && opened.value.verified.length).toBe(16);
  });

  it('refuses to sign a text without a final newline, with a control character, or with no signer', () => {
    expect(() => signNote('no newline', [peter])).toThrow(/end in a newline/);
    expect(() => signNote('tab\there\n', [peter])).toThrow(/control character U\+0009/);
    expect(() => signNote('\udfff\n', [peter])).toThrow(/UTF-8/);
    expect(() => signNote(TEXT, [])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
