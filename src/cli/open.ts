import { readFile } from 'node:fs/promises';
import { LedgerError } from '../domain/errors.js';
import { loadSigner, loadTrustedKey, type TrustedKey } from '../seal/keys.js';
import { openLedger, type Ledger, type VerifyOptions } from '../ledger/ledger.js';
import { openStore } from '../store/open.js';
import type { SigningMode } from '../seal/envelope.js';

export const ledgerOptions = {
  ledger: { type: 'string' },
  prefix: { type: 'string' },
} as const;

/** `--trust a.pub b.pub` or `--trust a.pub --trust b.pub`. */
export const trustOption = { trust: { type: 'string', list: true } } as const;

/** What verify, audit and report take to hold the log to: trusted keys, checkpoints, witnesses. */
export const verificationOptions = {
  ...trustOption,
  checkpoint: { type: 'string', multiple: true },
  witness: { type: 'string', multiple: true },
} as const;

export interface CliLedgerOptions {
  readonly signing?: SigningMode;
  /** Writing commands create a missing ledger; readers refuse it (LEDGER_NOT_FOUND), so a typo never reads as clean. */
  readonly create?: boolean;
}

/** Opens the ledger a command names with --ledger (SQLite path or esdb:// string). */
export const openCliLedger = async (
  values: { ledger?: string; prefix?: string; key?: string; trust?: string[]; origin?: string; maxFactBytes?: number },
  { signing, create = false }: CliLedgerOptions = {},
): Promise<Ledger> => {
  const signer = values.key ? await loadSigner(values.key) : undefined;
  const trust = await Promise.all((values.trust ?? []).map(loadTrustedKey));
  const store = await openStore(values.ledger, { ...(values.prefix ? { prefix: values.prefix } : {}), create });
  try {
    return await openLedger({
      store, signer, trust, signing,
      ...(values.origin === undefined ? {} : { origin: values.origin }),
      ...(values.maxFactBytes === undefined ? {} : { maxFactBytes: values.maxFactBytes }),
    });
  } catch (e) {
    await store.close();
    throw e;
  }
};

export const readTextFile = async (path: string, what: string): Promise<string> => {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new LedgerError('INVALID_INPUT', `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path });
  }
};

/** The checkpoints and witness keys named on the command line. */
export const loadVerification = async (values: { checkpoint?: string[]; witness?: string[] }): Promise<Pick<VerifyOptions, 'checkpoints' | 'witnesses'>> => {
  const checkpoints = await Promise.all((values.checkpoint ?? []).map((p) => readTextFile(p, 'checkpoint')));
  const witnesses: TrustedKey[] = await Promise.all((values.witness ?? []).map(loadTrustedKey));
  if (witnesses.length > 0 && checkpoints.length === 0) {
    throw new LedgerError('INVALID_INPUT', '--witness needs --checkpoint FILE: the witness cosigns checkpoints, and verify holds the log to them');
  }
  return { checkpoints, witnesses };
};
