import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyIdOf, naclSigner, naclVerifier, nodeSigner, nodeVerifier, publicKeyOfSeed } from '../../src/seal/signers.js';
import { generateKeyFiles, loadSigner, loadTrustedKey } from '../../src/seal/keys.js';
import { isLedgerError } from '../../src/domain/errors.js';

// One contract for both implementations: node:crypto (the fast default) and tweetnacl (the portable one).
describe.each([
  ['node:crypto', nodeSigner, nodeVerifier],
  ['tweetnacl', naclSigner, naclVerifier],
] as const)('signer %s', (_name, makeSigner, verifier) => {
  it('signs so that both verifiers accept, and refuses a changed message or signature', async () => {
    const signer = makeSigner(Uint8Array.from(randomBytes(32)));
    const msg = Uint8Array.from(randomBytes(32));
    const [sig] = await signer.signMany([msg]);
    if (!sig) throw new Error('no signature');
    expect(sig).toHaveLength(64);
    expect(nodeVerifier.verify(msg, sig, signer.publicKey)).toBe(true);
    expect(await naclVerifier.verifyMany([[msg, sig, signer.publicKey]])).toEqual([true]);
    const changed = Uint8Array.from(msg);
    changed[0]! ^= 1;
    expect(verifier.verify(changed, sig, signer.publicKey)).toBe(false);
    const forged = Uint8Array.from(sig);
    forged[10]! ^= 0x80;
    expect(await verifier.verifyMany([[msg, forged, signer.publicKey], [msg, sig, signer.publicKey]])).toEqual([false, true]);
    expect(verifier.verify(msg, sig.subarray(0, 63), signer.publicKey)).toBe(false);
  });

  it('refuses a seed that is not 32 bytes', () => {
    expect(() => makeSigner(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe('node:crypto and tweetnacl agree', () => {
  it('give byte-identical public keys and signatures for 200 random seeds and messages', () => {
    for (let i = 0; i < 200; i++) {
      const seed = Uint8Array.from(randomBytes(32));
      const msg = Uint8Array.from(randomBytes(1 + (i % 97)));
      const a = nodeSigner(seed);
      const b = naclSigner(seed);
      expect(Buffer.from(a.publicKey).equals(Buffer.from(b.publicKey))).toBe(true);
      expect(Buffer.from(a.sign(msg)).equals(Buffer.from(b.sign(msg)))).toBe(true);
      expect(a.keyId).toBe(b.keyId);
    }
  });

  it('match RFC 8032 test vector 1 (empty message)', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const expected =
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
    expect(Buffer.from(publicKeyOfSeed(seed)).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(Buffer.from(nodeSigner(seed).sign(new Uint8Array())).toString('hex')).toBe(expected);
    expect(Buffer.from(naclSigner(seed).sign(new Uint8Array())).toString('hex')).toBe(expected);
  });
});

describe('key files', () => {
  it('keygen writes a 0600 secret, a public file, and a key id derived from the public key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pl-keys-'));
    const k = await generateKeyFiles(dir);
    expect((await stat(k.secretPath)).mode & 0o777).toBe(0o600);
    const signer = await loadSigner(k.secretPath);
    const trusted = await loadTrustedKey(k.publicPath);
    expect(k.keyId).toBe(keyIdOf(signer.publicKey));
    expect(trusted.keyId).toBe(k.keyId);
    expect(Buffer.from(trusted.publicKey).equals(Buffer.from(signer.publicKey))).toBe(true);
    expect(JSON.parse(await readFile(k.publicPath, 'utf8'))).not.toHaveProperty('seed');
  });

  it('keeps a chosen key id, and never overwrites an existing key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pl-keys-'));
    const k = await generateKeyFiles(dir, 'billing-2026');
    expect(k.keyId).toBe('billing-2026');
    await expect(generateKeyFiles(dir, 'billing-2026')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('a key with that id is there already'), details: { errno: 'EEXIST' } });
    await expect(generateKeyFiles(dir, 'bad id/..')).rejects.toThrow(/key id/);
  });

  it('refuses a malformed key file and a seed that does not match its public key, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pl-keys-'));
    const k = await generateKeyFiles(dir);
    const secret = JSON.parse(await readFile(k.secretPath, 'utf8'));
    const wrong = join(dir, 'wrong.key');
    await writeFile(wrong, JSON.stringify({ ...secret, publicKey: '00'.repeat(32) }), { mode: 0o600 });
    await expect(loadSigner(wrong)).rejects.toSatisfy((e) => isLedgerError(e, 'SIGNER_MISMATCH') && e.message.includes(wrong));
    const garbled = join(dir, 'garbled.key');
    await writeFile(garbled, '{"keyId":"x","seed":"zz"}', { mode: 0o600 });
    await expect(loadSigner(garbled)).rejects.toSatisfy((e) => isLedgerError(e, 'KEY_INVALID') && e.message.includes('"seed"'));
    await expect(loadTrustedKey(join(dir, 'missing.pub'))).rejects.toSatisfy((e) => isLedgerError(e, 'KEY_INVALID'));
  });
});
