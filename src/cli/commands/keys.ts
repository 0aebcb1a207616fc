import { LedgerError } from '../../domain/errors.js';
import { registeredKeys, type RegisteredKey } from '../../ledger/key-registry.js';
import { bytesToHex } from '../../seal/hash.js';
import { loadSigner, loadTrustedKey } from '../../seal/keys.js';
import { openStore } from '../../store/open.js';
import { parse, required } from '../args.js';
import { keysJson } from '../json.js';
import { ledgerOptions, openCliLedger } from '../open.js';

type LedgerValues = { ledger?: string; prefix?: string };

const keysOf = async (values: LedgerValues): Promise<{ store: string; keys: RegisteredKey[] }> => {
  const store = await openStore(values.ledger, { ...(values.prefix ? { prefix: values.prefix } : {}), create: false });
  try {
    return { store: store.name, keys: await registeredKeys(store) };
  } finally {
    await store.close();
  }
};

/** The key that signs an endorsement or a revocation must be one of the ledger's own, not revoked. */
const currentKey = async (values: LedgerValues, path: string): Promise<{ keys: RegisteredKey[]; current: RegisteredKey }> => {
  const signer = await loadSigner(path);
  const { keys } = await keysOf(values);
  const current = keys.find((k) => k.keyId === signer.keyId && k.publicKey === bytesToHex(signer.publicKey));
  if (!current) throw new LedgerError('KEY_INVALID', `${path} (key "${signer.keyId}") is not a key of this ledger: only a registered key can endorse or revoke another`, { keyId: signer.keyId });
  if (current.revoked) throw new LedgerError('KEY_INVALID', `key "${current.keyId}" was revoked (${current.revoked.reason}): it endorses nothing`, { keyId: current.keyId });
  return { keys, current };
};

const list = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, json: { type: 'boolean' } });
  const { store, keys } = await keysOf(values);
  if (values.json) {
    console.log(JSON.stringify(keysJson(store, keys), null, 2));
    return 0;
  }
  for (const k of keys) {
    const by = k.endorsedBy === k.keyId ? 'registered by itself' : `endorsed by ${k.endorsedBy}`;
    const state = k.revoked ? `REVOKED ${k.revoked.at} by ${k.revoked.by}: ${k.revoked.reason}` : 'current';
    console.log(`${k.keyId}  ${k.publicKey.slice(0, 16)}…  owner ${k.owner}  registered ${k.registeredAt}, ${by}  ${state}`);
  }
  console.log(`${keys.length} key(s), ${keys.filter((k) => !k.revoked).length} current`);
  return 0;
};

const add = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { ...ledgerOptions, 'endorse-with': { type: 'string' }, owner: { type: 'string' } }, 1);
  const file = required(positionals[0], 'the new key NEW.pub');
  const endorser = required(values['endorse-with'], '--endorse-with CURRENT.key');
  const added = await loadTrustedKey(file);
  const publicKey = bytesToHex(added.publicKey);
  const { keys, current } = await currentKey(values, endorser);
  const known = keys.find((k) => k.keyId === added.keyId);
  if (known && known.publicKey !== publicKey) throw new LedgerError('SIGNER_MISMATCH', `key id "${added.keyId}" is registered in this ledger with another public key`, { keyId: added.keyId });
  if (known?.revoked) throw new LedgerError('KEY_INVALID', `key "${added.keyId}" was revoked (${known.revoked.reason}): a revoked key is not registered again`, { keyId: added.keyId });
  if (known) {
    console.log(`key ${added.keyId} is registered already (${known.endorsedBy === known.keyId ? 'by itself' : `endorsed by ${known.endorsedBy}`}); nothing recorded`);
    return 0;
  }
  const ledger = await openCliLedger({ ...values, key: endorser });
  try {
    const [r] = await ledger.record({ type: 'KeyRegistered', at: new Date().toISOString(), keyId: added.keyId, publicKey, owner: values.owner ?? current.owner });
    console.log(`key ${added.keyId} registered, endorsed by ${current.keyId} (event ${r!.id}); it can sign from now on`);
  } finally {
    await ledger.close();
  }
  return 0;
};

const revoke = async (args: readonly string[]): Promise<number> => {
  const { values, positionals } = parse(args, { ...ledgerOptions, key: { type: 'string' }, reason: { type: 'string' } }, 1);
  const keyId = required(positionals[0], 'the KEYID to revoke');
  const reason = required(values.reason, '--reason TEXT');
  const signerPath = required(values.key, '--key CURRENT.key (another current key, which signs the revocation)');
  const { keys, current } = await currentKey(values, signerPath);
  const target = keys.find((k) => k.keyId === keyId);
  if (!target) throw new LedgerError('INVALID_INPUT', `no key "${keyId}" is registered in this ledger (keys list names them)`, { keyId });
  if (target.revoked) throw new LedgerError('INVALID_INPUT', `key "${keyId}" was revoked already, on ${target.revoked.at}`, { keyId });
  if (target.keyId === current.keyId) throw new LedgerError('INVALID_INPUT', `a key does not revoke itself: sign the revocation of "${keyId}" with another current key (keys add one first)`, { keyId });
  const ledger = await openCliLedger({ ...values, key: signerPath });
  try {
    const [r] = await ledger.record({ type: 'KeyRevoked', at: new Date().toISOString(), keyId, reason });
    console.log(`key ${keyId} revoked by ${current.keyId} (event ${r!.id}): facts it signs from now on are REVOKED_KEY`);
  } finally {
    await ledger.close();
  }
  return 0;
};

const actions: Record<string, (args: readonly string[]) => Promise<number>> = { list, add, revoke };

export const keysCommand = async (args: readonly string[]): Promise<number> => {
  const [action, ...rest] = args;
  const run = action === undefined ? undefined : actions[action];
  if (!run) throw new LedgerError('INVALID_INPUT', `keys needs one of ${Object.keys(actions).join(', ')}${action === undefined ? '' : `, not "${action}"`}`);
  return run(rest);
};
