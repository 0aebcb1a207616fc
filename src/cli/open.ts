import { readFile } from 'node:fs/promises';
import { LedgerError } from '../domain/errors.js';
import { loadSigner, loadTrustedKey, type TrustedKey } from '../seal/keys.js';
import { openLedger, type AuditOptions, type AuditResult, type Ledger, type VerifyOptions } from '../ledger/ledger.js';
import { progress, totalOf } from './progress.js';
import { existsSync } from 'node:fs';
import { DEFAULT_LEDGER_PATH, isEventStoreDBSpec, isPostgresSpec, openStore } from '../store/open.js';
import type { KeyStore } from '../store/key-store.js';
import type { EventStore } from '../store/port.js';
import type { SigningMode } from '../seal/envelope.js';

export const ledgerOptions = {
  ledger: { type: 'string' },
  prefix: { type: 'string' },
  keys: { type: 'string' },
} as const;

/** Where the data keys live: --keys, else beside a SQLite ledger; a server ledger has none unless --keys names one. */
export const keyStorePathOf = (values: { ledger?: string; keys?: string }): string | undefined =>
  values.keys ?? (values.ledger !== undefined && (isEventStoreDBSpec(values.ledger) || isPostgresSpec(values.ledger)) ? undefined : `${values.ledger ?? DEFAULT_LEDGER_PATH}.keys`);

/**
 * The key store a command uses: `create` for writers of subjects' facts (import, erase), which
 * make it on first use; `existing` for readers that open facts (report), which use it only when
 * it is there; `none` for verify and audit, which judge sealed facts and never need a key.
 */
export type KeyStoreUse = 'create' | 'existing' | 'none';

/**
 * A ledger is sealed from its first fact or never (a subject recorded partly in clear and partly
 * under a pseudonym would be two subjects): a writer makes a key store only for a new ledger.
 */
const openKeyStore = async (values: { ledger?: string; keys?: string }, use: KeyStoreUse, store: EventStore): Promise<KeyStore | undefined> => {
  const path = keyStorePathOf(values);
  if (path === undefined || use === 'none' || (!existsSync(path) && (use === 'existing' || (await store.lastEvent('keys')) !== undefined))) return undefined;
  const { sqliteKeyStore } = await import('../store/sqlite-key-store.js');
  return sqliteKeyStore(path);
};

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
  /** Default `existing`. */
  readonly keys?: KeyStoreUse;
}

/** Opens the ledger a command names with --ledger (SQLite path or esdb:// string). */
export const openCliLedger = async (
  values: { ledger?: string; prefix?: string; keys?: string; key?: string; trust?: string[]; origin?: string; maxFactBytes?: number },
  { signing, create = false, keys = 'existing' }: CliLedgerOptions = {},
): Promise<Ledger> => {
  const signer = values.key ? await loadSigner(values.key) : undefined;
  const trust = await Promise.all((values.trust ?? []).map(loadTrustedKey));
  const store = await openStore(values.ledger, { ...(values.prefix ? { prefix: values.prefix } : {}), create });
  let keyStore: KeyStore | undefined;
  try {
    keyStore = await openKeyStore(values, keys, store);
    return await openLedger({
      store, signer, trust, signing,
      ...(keyStore === undefined ? {} : { keyStore }),
      ...(values.origin === undefined ? {} : { origin: values.origin }),
      ...(values.maxFactBytes === undefined ? {} : { maxFactBytes: values.maxFactBytes }),
    });
  } catch (e) {
    await store.close();
    await keyStore?.close();
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

/**
 * Opens the ledger `values` name, audits it at `at` — verified first, held to its `--checkpoint`
 * and `--witness` files — with progress on stderr, and hands the result to `use` before closing it.
 */
export const withAudit = async <T>(
  values: Parameters<typeof openCliLedger>[0] & { checkpoint?: string[]; witness?: string[] },
  at: string,
  options: Pick<AuditOptions, 'keepEveryVerdict'>,
  use: (result: AuditResult, ledger: Ledger) => Promise<T>,
): Promise<T> => {
  const held = await loadVerification(values);
  const ledger = await openCliLedger(values);
  try {
    const bar = progress('audited', await totalOf(ledger.store));
    const result = await ledger.audit({ ...held, ...options, at, onProgress: (n) => bar.update(n) });
    bar.done();
    return await use(result, ledger);
  } finally {
    await ledger.close();
  }
};
