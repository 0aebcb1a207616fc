import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LedgerError } from '../domain/errors.js';

/**
 * Writes a whole file or nothing: into a temporary file beside it, renamed over the target
 * once complete, so a reader never sees half a report and a failed run leaves the old one.
 */
export const writeWhole = async (path: string, text: string): Promise<void> => {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new LedgerError('INVALID_INPUT', `--out ${path} is a directory; give a file name`);
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new LedgerError('INVALID_INPUT', `cannot write ${path}: ${err.code ?? err.message}`);
  }
};

/** A directory for several files: made when missing, refused when it is a file. */
export const outputDir = async (path: string): Promise<string> => {
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) throw new LedgerError('INVALID_INPUT', `--out ${path} is a file; CSV tables need a directory (or --table NAME)`);
  await mkdir(path, { recursive: true });
  return path;
};

/** Prints to stdout, or writes --out whole and says where on stderr. */
export const emit = async (text: string, out: string | undefined): Promise<void> => {
  if (out === undefined) {
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    return;
  }
  await writeWhole(out, text);
  console.error(`wrote ${out}`);
};
