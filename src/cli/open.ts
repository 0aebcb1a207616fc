import { loadSigner, loadTrustedKey } from '../seal/keys.js';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { openStore } from '../store/open.js';
import type { SigningMode } from '../seal/envelope.js';

export const ledgerOptions = {
  ledger: { type: 'string' },
  prefix: { type: 'string' },
} as const;

/** `--trust a.pub b.pub` or `--trust a.pub --trust b.pub`. */
export const trustOption = { trust: { type: 'string', list: true } } as const;

export interface CliLedgerOptions {
  readonly signing?: SigningMode;
  /** Writing commands create a missing ledger; readers refuse it (LEDGER_NOT_FOUND), so a typo never reads as clean. */
  readonly create?: boolean;
}

/** Opens the ledger a command names with --ledger (SQLite path or esdb:// string). */
export const openCliLedger = async (
  values: { ledger?: string; prefix?: string; key?: string; trust?: string[] },
  { signing, create = false }: CliLedgerOptions = {},
): Promise<Ledger> => {
  const signer = values.key ? await loadSigner(values.key) : undefined;
  const trust = await Promise.all((values.trust ?? []).map(loadTrustedKey));
  const store = await openStore(values.ledger, { ...(values.prefix ? { prefix: values.prefix } : {}), create });
  try {
    return await openLedger({ store, signer, trust, signing });
  } catch (e) {
    await store.close();
    throw e;
  }
};
