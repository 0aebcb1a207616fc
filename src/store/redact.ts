import { LedgerError } from '../domain/errors.js';
import type { EventStore, StreamAppend } from './port.js';

/**
 * Connection strings carry credentials (`esdb://admin:changeit@host`): this module is the one
 * place that takes them apart, so that no store name, error, log line or report ever shows a
 * password, a token or any userinfo, whatever the spelling of the scheme.
 */

/** A `scheme:` of two or more characters (one letter is a Windows drive, `C:\…`). */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):(.*)$/s;
/** Query parameters whose values are secrets. */
const SECRET_PARAM = /pass|pwd|secret|token|auth|cred|key/i;
const REDACTED = '***';

export interface ParsedConnectionString {
  /** The scheme in lower case (`esdb`, `esdb+discover`, …). */
  readonly scheme: string;
  /** Whether slashes followed the scheme as `//`: `esdb:/host` is missing one. */
  readonly wellFormed: boolean;
  /** The string with its scheme in lower case and `//` after it: what a client is given. */
  readonly normalized: string;
  /** The hosts as a URL parser reads them, comma-separated, without credentials. */
  readonly hosts: string;
  /** Safe to show: userinfo and secret query values replaced by ***. */
  readonly redacted: string;
  /** Every secret the string holds, as written and percent-decoded: to scrub from messages. */
  readonly secrets: readonly string[];
}

const decoded = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** One host[:port] as the WHATWG URL parser normalizes it, or as given when it does not parse. */
const hostOf = (scheme: string, host: string): string => {
  try {
    return new URL(`${scheme}://${host}`).host || host;
  } catch {
    return host;
  }
};

/**
 * Takes a connection string apart. Userinfo is everything before the last `@` of the string
 * (a password may hold `/`, `?`, `:` or `@`, which a URL parser would read as the end of the
 * authority and leave part of it in the host or path); query values whose names look secret
 * are secrets too. Undefined when `spec` has no scheme (a file path).
 */
export const parseConnectionString = (spec: string): ParsedConnectionString | undefined => {
  const m = SCHEME.exec(spec.trim());
  if (m === null) return undefined;
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  const wellFormed = rest.startsWith('//');
  const body = rest.replace(/^[/\\]*/, '');
  const at = body.lastIndexOf('@');
  const userinfo = at >= 0 ? body.slice(0, at) : '';
  const afterUser = at >= 0 ? body.slice(at + 1) : body;
  const cut = afterUser.search(/[/?#]/);
  const hostList = cut >= 0 ? afterUser.slice(0, cut) : afterUser;
  const tail = cut >= 0 ? afterUser.slice(cut) : '';
  const q = tail.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? tail.slice(q + 1).split('#')[0] : '');
  const secrets = new Set<string>();
  if (userinfo !== '') {
    secrets.add(userinfo);
    const colon = userinfo.indexOf(':');
    if (colon >= 0 && colon < userinfo.length - 1) secrets.add(userinfo.slice(colon + 1));
  }
  for (const [name, value] of params) {
    if (SECRET_PARAM.test(name) && value !== '') {
      secrets.add(value);
      params.set(name, REDACTED);
    }
  }
  for (const s of [...secrets]) secrets.add(decoded(s)).add(encodeURIComponent(s));
  const known = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const hosts = hostList.split(',').map((h) => hostOf(scheme, h)).join(',');
  const query = [...params].length > 0 ? `?${params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}` : '';
  return {
    scheme,
    wellFormed,
    normalized: `${scheme}://${body}`,
    hosts,
    // A secret repeated elsewhere in the string (a path, another option) goes too.
    redacted: scrubSecrets(`${scheme}://${userinfo === '' ? '' : `${REDACTED}@`}${hosts}${q >= 0 ? tail.slice(0, q) : tail}${query}`, known),
    secrets: known,
  };
};

/** `spec` safe to show: a connection string redacted, a file path as it is. */
export const redactLedgerSpec = (spec: string): string => parseConnectionString(spec)?.redacted ?? spec;

/**
 * `text` with every secret removed, and any quoted fragment of one (a client error such as
 * `Unexpected "pa" at position 12`) replaced too.
 */
export const scrubSecrets = (text: string, secrets: readonly string[]): string => {
  if (secrets.length === 0) return text;
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out.replace(/"([^"]+)"/g, (quoted, inner: string) => (secrets.some((s) => s.includes(inner)) ? `"${REDACTED}"` : quoted));
};

/** An error with its message and string details scrubbed: what a store rethrows. */
export const scrubError = (error: unknown, secrets: readonly string[]): unknown => {
  if (secrets.length === 0) return error;
  if (error instanceof LedgerError) {
    const details = Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k, typeof v === 'string' ? scrubSecrets(v, secrets) : v]));
    return new LedgerError(error.code, scrubSecrets(error.message, secrets), details);
  }
  if (error instanceof Error) return new LedgerError('STORE_UNAVAILABLE', scrubSecrets(error.message, secrets));
  return new LedgerError('STORE_UNAVAILABLE', scrubSecrets(String(error), secrets));
};

/**
 * `store` with every error it raises scrubbed of `secrets`: whatever a client library puts in
 * its messages (a connection string, a URL with userinfo), no caller sees the credentials.
 */
export const scrubbedStore = (store: EventStore, secrets: readonly string[]): EventStore => {
  if (secrets.length === 0) return store;
  const scrub = (e: unknown): never => {
    throw scrubError(e, secrets);
  };
  async function* scrubbed<T>(source: () => AsyncIterable<T>): AsyncGenerator<T> {
    try {
      yield* source();
    } catch (e) {
      scrub(e);
    }
  }
  const appendMany = store.appendMany?.bind(store);
  return {
    name: store.name,
    ...(store.densePositions === true ? { densePositions: true } : {}),
    append: (stream, events, expected) => store.append(stream, events, expected).catch(scrub),
    ...(appendMany === undefined ? {} : { appendMany: (appends: readonly StreamAppend[]) => appendMany(appends).catch(scrub) }),
    readStream: (stream, options) => scrubbed(() => store.readStream(stream, options)),
    lastEvent: (stream) => store.lastEvent(stream).catch(scrub),
    readAll: (options) => scrubbed(() => store.readAll(options)),
    subscribe: (options) => {
      const sub = store.subscribe(options);
      const events = scrubbed(() => sub);
      return { [Symbol.asyncIterator]: () => events, close: () => sub.close().catch(scrub) };
    },
    close: () => store.close().catch(scrub),
  };
};

/**
 * Runs `work` with console.warn scrubbed of `secrets`: the EventStoreDB client warns about an
 * option it ignores by printing the whole connection string, password included.
 */
export const withScrubbedWarnings = <T>(secrets: readonly string[], work: () => T): T => {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warn(...args.map((a) => (typeof a === 'string' ? scrubSecrets(a, secrets) : a)));
  try {
    return work();
  } finally {
    console.warn = warn;
  }
};
