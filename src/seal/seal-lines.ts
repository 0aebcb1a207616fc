/**
 * Seals many personal-field texts at once with AES-256-GCM, each under its own data key, a
 * fresh random 96-bit nonce and its own associated data. One function for both places it runs:
 * on the calling thread for a few texts, and as the source of the crypto pool's workers for a
 * batch (so it uses nothing but its parameters and Buffer: `crypto` is node:crypto).
 *
 * `lines`: one text a line, `key index \t associated data \t plain text`, where the index is into
 * `keys` and neither field holds a tab or a newline (plain text is canonical JSON, whose strings
 * escape both). Returns one line a text, in order: `nonce \t ciphertext+tag`, both base64url.
 */
export const sealLines = (
  crypto: { randomBytes(n: number): Buffer; createSecretKey(k: Uint8Array): unknown; createCipheriv(alg: string, key: unknown, iv: Uint8Array, o: { authTagLength: number }): { setAAD(b: Uint8Array): unknown; update(s: string, e: 'utf8'): Buffer; final(): Buffer; getAuthTag(): Buffer } },
  keys: readonly Uint8Array[],
  lines: string,
): string => {
  const NONCE = 12;
  const texts = lines.split('\n');
  const objects = keys.map((k) => (k.length === 32 ? crypto.createSecretKey(k) : undefined));
  const nonces = crypto.randomBytes(NONCE * texts.length);
  const out: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    const line = texts[i]!;
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    const key = a > 0 && b > a ? objects[Number(line.slice(0, a))] : undefined;
    if (key === undefined) throw new Error(`sealLines: line ${i} is not "key index, tab, associated data, tab, text" under a 32-byte key`);
    const nonce = nonces.subarray(i * NONCE, (i + 1) * NONCE);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(line.slice(a + 1, b), 'utf8'));
    const body = Buffer.concat([cipher.update(line.slice(b + 1), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    out.push(nonce.toString('base64url') + '\t' + body.toString('base64url'));
  }
  return out.join('\n');
};
