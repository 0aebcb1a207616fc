import { chmod, mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerError } from '../domain/errors.js';
import { bytesToHex } from './hash.js';
import { keyIdOf, nodeSigner, publicKeyOfSeed, randomSeed, type Signer } from './signers.js';

/** What a `.pub` file holds: enough for anyone to verify, nothing to sign with. */
export interface PublicKeyFile {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  readonly publicKey: string;
}
/** What a `.key` file holds (mode 0600). */
export interface SecretKeyFile extends PublicKeyFile {
  readonly seed: string;
}

export interface TrustedKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
}

const HEX32 = /^[0-9a-f]{64}$/;

/** Writes `<keyId>.key` (0600) and `<keyId>.pub` into `dir`; returns both paths. */
export const generateKeyFiles = async (
  dir: string,
  keyId?: string,
): Promise<{ keyId: string; secretPath: string; publicPath: string }> => {
  if (keyId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(keyId)) {
    throw new LedgerError('INVALID_INPUT', `key id "${keyId}" must be 1-128 letters, digits or . _ : @ -`, { keyId });
  }
  const seed = randomSeed();
  const publicKey = publicKeyOfSeed(seed);
  const id = keyId ?? keyIdOf(publicKey);
  const pub: PublicKeyFile = { keyId: id, algorithm: 'Ed25519', publicKey: bytesToHex(publicKey) };
  const secret: SecretKeyFile = { ...pub, seed: bytesToHex(seed) };
  const secretPath = join(dir, `${id}.key`);
  const publicPath = join(dir, `${id}.pub`);
  await keyFileStep(() => mkdir(dir, { recursive: true }), `cannot make the key folder ${dir}`, dir);
  // 'wx': never overwrite an existing key; mode applies at creation, chmod covers a umask that widened it.
  await keyFileStep(() => writeFile(secretPath, JSON.stringify(secret, null, 2) + '\n', { mode: 0o600, flag: 'wx' }), `cannot write ${secretPath}`, secretPath);
  await chmod(secretPath, 0o600);
  await keyFileStep(() => writeFile(publicPath, JSON.stringify(pub, null, 2) + '\n', { flag: 'wx' }), `cannot write ${publicPath}`, publicPath);
  return { keyId: id, secretPath, publicPath };
};

/** A file-system step of key generation, its failure told as what the caller can fix. */
const keyFileStep = async (step: () => Promise<unknown>, what: string, path: string): Promise<void> => {
  try {
    await step();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' ? 'a key with that id is there already (keys are never overwritten: choose another --id or folder)'
      : code === 'ENOTDIR' ? 'a part of that path is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : (e as Error).message;
    throw new LedgerError('INVALID_INPUT', `${what}: ${why}`, { path, ...(code ? { errno: code } : {}) });
  }
};

/** The text of a key file; a secret key file must be private to its owner, as ssh insists. */
const readKeyText = async (path: string, secret: boolean): Promise<string> => {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    // Checked on the open file, so the file read is the file checked.
    const { mode } = await handle.stat();
    if (secret && process.platform !== 'win32' && (mode & 0o077) !== 0) {
      const shown = (mode & 0o777).toString(8).padStart(4, '0');
      throw new LedgerError('KEY_INVALID', `secret key file ${path} is readable by group or others (mode ${shown}): it is refused; run chmod 600 ${path}`, { path, mode: shown });
    }
    return await handle.readFile('utf8');
  } catch (e) {
    if (e instanceof LedgerError) throw e;
    throw new LedgerError('KEY_INVALID', `cannot read key file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'read failed'}`, { path });
  } finally {
    await handle?.close();
  }
};

// Never the parser's message: V8 quotes the text around the error, which is the seed.
const readJson = async (path: string, secret: boolean): Promise<Record<string, unknown>> => {
  const text = await readKeyText(path, secret);
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch {
    throw new LedgerError('KEY_INVALID', `key file ${path} is not key JSON (it does not parse; its content is not shown)`, { path });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LedgerError('KEY_INVALID', `key file ${path} is not key JSON (not an object)`, { path });
  return v as Record<string, unknown>;
};

const field = (obj: Record<string, unknown>, name: string, path: string, re: RegExp): string => {
  const v = obj[name];
  if (typeof v !== 'string' || !re.test(v)) throw new LedgerError('KEY_INVALID', `key file ${path}: field "${name}" is missing or malformed`, { path, field: name });
  return v;
};

/** Loads a secret key file into a signer, refusing one readable by group or others, or whose seed does not give its own public key. */
export const loadSigner = async (path: string, make: (seed: Uint8Array, keyId: string) => Signer = nodeSigner): Promise<Signer> => {
  const obj = await readJson(path, true);
  const keyId = field(obj, 'keyId', path, /^.+$/);
  const seedHex = field(obj, 'seed', path, HEX32);
  const signer = make(Uint8Array.from(Buffer.from(seedHex, 'hex')), keyId);
  if (typeof obj.publicKey === 'string' && obj.publicKey !== bytesToHex(signer.publicKey)) {
    throw new LedgerError('SIGNER_MISMATCH', `key file ${path}: its seed does not give its public key`, { path, keyId });
  }
  return signer;
};

/** Loads a `.pub` (or `.key`: only its public half is read) file as a trusted key. */
export const loadTrustedKey = async (path: string): Promise<TrustedKey> => {
  const obj = await readJson(path, false);
  const keyId = field(obj, 'keyId', path, /^.+$/);
  const publicKey = field(obj, 'publicKey', path, HEX32);
  return { keyId, publicKey: Uint8Array.from(Buffer.from(publicKey, 'hex')) };
};
