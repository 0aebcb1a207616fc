import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isLedgerError, LedgerError } from '../../src/domain/errors.js';
import { generateKeyFiles, loadSigner, loadTrustedKey } from '../../src/seal/keys.js';
import { eventStoreDBStoreFromConnectionString } from '../../src/store/eventstoredb.js';
import { openStore } from '../../src/store/open.js';
import { parseConnectionString, redactLedgerSpec, scrubbedStore, scrubError } from '../../src/store/redact.js';
import { memoryStore } from '../../src/store/memory.js';
import { startEmulator, type Emulator } from '../esdb/emulator.js';
import { built, cliAsync } from '../helpers/run.js';

const SECRET = 'hunter2';
const failure = async (work: () => unknown): Promise<LedgerError> => {
  try {
    await work();
  } catch (e) {
    if (e instanceof LedgerError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};
/** Everything a caller could print about an error: message, details, stack. */
const everything = (e: LedgerError): string => `${e.message} ${JSON.stringify(e.details)} ${e.stack}`;

describe('connection string secrets', () => {
  // Each is how an attacker or a typo might spell it; none may show the password, in part or whole.
  const spellings = [
    `ESDB://admin:${SECRET}@db.example.com:2113`,
    `esdb:/admin:${SECRET}@db.example.com:2113`,
    `esdb://admin:hun/ter2@db.example.com:2113`,
    `esdb://admin:hun?ter2@db.example.com:2113`,
    `esdb://admin:hun@ter2@db.example.com:2113`,
    `Esdb+Discover://admin:${SECRET}@a:2113,b:2113,c:2113?tls=false`,
    `esdb://db.example.com:2113?tls=false&password=${SECRET}`,
    `esdb://admin:hunter%32@db.example.com:2113`,
    `esdb://admin:${SECRET}@db.example.com:2113?tls=maybe`,
    `esdb://admin:${SECRET}@db.example.com:2113?tlsVerifyCert=${SECRET}`,
    `postgres://admin:${SECRET}@db.example.com/ledger`,
  ];
  const fragments = ['hunter', 'ter2', 'hun/', 'hun?', 'hun@', 'hunter%32'];

  it.each(spellings)('%s: no store name, error, warning or redacted form shows the password', async (spec) => {
    const shown: string[] = [redactLedgerSpec(spec)];
    // The client warns about options it ignores by printing the connection string.
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void shown.push(args.join(' ')));
    try {
      const store = await openStore(spec);
      shown.push(store.name);
      await store.close();
    } catch (e) {
      expect(isLedgerError(e, 'INVALID_INPUT')).toBe(true);
      shown.push(everything(e as LedgerError));
    } finally {
      warn.mockRestore();
    }
    if (spec.includes('password=')) expect(shown.join('\n')).toContain('Unknown option key "password"');
    for (const text of shown) for (const f of fragments) expect(text).not.toContain(f);
  });

  it('names stores by scheme and hosts, with the scheme in lower case, and refuses a missing slash', async () => {
    const store = eventStoreDBStoreFromConnectionString(`ESDB://admin:${SECRET}@db.example.com:2113?tls=false`);
    expect(store.name).toBe('esdb://db.example.com:2113');
    await store.close();
    const cut = eventStoreDBStoreFromConnectionString(`esdb://admin:pa/ss@db.example.com:2113`);
    expect(cut.name).toBe('esdb://db.example.com:2113');
    await cut.close();
    const e = await failure(() => openStore(`esdb:/admin:${SECRET}@db.example.com`));
    expect(e.message).toBe('an EventStoreDB connection string starts with esdb:// or esdb+discover://, not esdb://***@db.example.com');
  });

  it('parses with the URL parser: hosts normalized, userinfo and secret query values gone from the redacted form', () => {
    const p = parseConnectionString(`esdb+discover://admin:${SECRET}@Node1:2113,node2:2113?tls=true&token=abc123`)!;
    expect(p.redacted).toBe('esdb+discover://***@Node1:2113,node2:2113?tls=true&token=***');
    expect(p.secrets).toEqual(expect.arrayContaining([SECRET, `admin:${SECRET}`, 'abc123']));
    expect(parseConnectionString('./ledger.db')).toBeUndefined();
    expect(parseConnectionString('C:\\ledgers\\a.db')).toBeUndefined();
  });

  it('scrubs secrets, and quoted fragments of them, from whatever a client library says', async () => {
    const e = scrubError(new Error(`connect to esdb://admin:${SECRET}@h failed: Unexpected "hun" at 14`), [`admin:${SECRET}`, SECRET]) as LedgerError;
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toBe('connect to esdb://***@h failed: Unexpected "***" at 14');
    const leaky = { ...memoryStore(), append: async () => Promise.reject(new LedgerError('STORE_UNAVAILABLE', `lost ${SECRET}`, { message: `lost ${SECRET}` })) };
    const scrubbed = scrubbedStore(leaky, [SECRET]);
    const refused = await failure(() => scrubbed.append('s', [{ id: crypto.randomUUID(), type: 't', data: {} }], 'any'));
    expect(everything(refused)).not.toContain(SECRET);
    expect(refused.message).toBe('lost ***');
  });
});

describe('secrets against a server (emulator)', () => {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => emulator?.stop());

  it.skipIf(!built)('the CLI prints no password when it reaches a server, nor when it cannot', async () => {
    const url = emulator!.connectionString.replace('esdb://', `ESDB://admin:${SECRET}@`);
    const ok = await cliAsync(['verify', '--ledger', url, '--prefix', `s${Date.now()}-`]);
    expect(ok.status).toBe(0);
    const down = await cliAsync(['verify', '--ledger', `esdb://admin:${SECRET}@127.0.0.1:1?tls=false`]);
    expect(down.status).toBe(4); // the server could not be reached
    for (const r of [ok, down]) expect(r.stdout + r.stderr).not.toContain('hunter');
  });
});

describe('key files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pl-keyfiles-'));
  });

  it.skipIf(process.platform === 'win32')('a secret key readable by group or others is refused, like ssh, saying how to fix it', async () => {
    const k = await generateKeyFiles(dir, 'ops');
    for (const mode of [0o640, 0o604, 0o644, 0o666]) {
      await chmod(k.secretPath, mode);
      const e = await failure(() => loadSigner(k.secretPath));
      expect(e.code).toBe('KEY_INVALID');
      expect(e.message).toBe(`secret key file ${k.secretPath} is readable by group or others (mode 0${mode.toString(8)}): it is refused; run chmod 600 ${k.secretPath}`);
    }
    await chmod(k.secretPath, 0o400);
    expect((await loadSigner(k.secretPath)).keyId).toBe('ops');
    await chmod(k.secretPath, 0o600);
    expect((await loadSigner(k.secretPath)).keyId).toBe('ops');
    // The public file may be world-readable; so may a .key read only for its public half.
    expect((await loadTrustedKey(k.publicPath)).keyId).toBe('ops');
  });

  it('an error about a malformed key file never quotes its content', async () => {
    const k = await generateKeyFiles(dir);
    const seed = JSON.parse(await readFile(k.secretPath, 'utf8')).seed as string;
    const broken = join(dir, 'broken.key');
    for (const text of [`{"keyId":"x","seed":"${seed}",}`, `{"keyId":"x","seed":${seed}}`, `seed=${seed}`, `["${seed}"]`, `{"keyId":"x","seed":"${seed.slice(0, 63)}"}`]) {
      await writeFile(broken, text, { mode: 0o600 });
      for (const load of [loadSigner, loadTrustedKey]) {
        const e = await failure(() => load(broken));
        expect(e.code).toBe('KEY_INVALID');
        expect(everything(e)).not.toContain(seed.slice(0, 8));
        expect(everything(e)).not.toContain(seed.slice(-8, -1));
      }
    }
  });
});
