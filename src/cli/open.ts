import { loadSigner, loadTrustedKey } from '../seal/keys.js';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { openStore } from '../store/open.js';
import type { SigningMode } from '../seal/envelope.js';

export const ledgerOptions = {
  ledger: { type: 'string' },
  prefix: { type: 'string' },
} as const;

/** Opens the ledger a command names with --ledger (SQLite path or esdb:// string). */
export const openCliLedger = async (
  values: { ledger?: string; prefix?: string; key?: string; trust?: string[]; maxFactBytes?: number },
  signing?: SigningMode,
): Promise<Ledger> => {
  const signer = values.key ? await loadSigner(values.key) : undefined;
  const trust = await Promise.all((values.trust ?? []).map(loadTrustedKey));
  const store = await openStore(values.ledger, values.prefix ? { prefix: values.prefix } : {});
  try {
    return await openLedger({ store, signer, trust, signing, ...(values.maxFactBytes === undefined ? {} : { maxFactBytes: values.maxFactBytes }) });
  } catch (e) {
    await store.close();
    throw e;
  }
};
