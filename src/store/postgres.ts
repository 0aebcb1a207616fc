import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { LedgerError } from '../domain/errors.js';
import { unreadableData } from './port.js';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  Position,
  ProposedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  Subscription,
} from './port.js';
import { DEFAULT_SCHEMA, channelOf, checkSchemaName, migrate } from './postgres-schema.js';
import { groupedAppends } from './postgres-append.js';
import { checkBatch, paged, pollingSubscription, type PollingSubscription } from './shared.js';

export interface PostgresStoreOptions {
  /** The schema that holds this ledger, created on open: one schema per ledger. Default `privacy_ledger`. */
  readonly schema?: string;
  /** The store's name in messages and reports. Default: the server and database, without credentials. */
  readonly name?: string;
  /** Connections in the pool a connection string opens (a pool passed in keeps its own). Default 10. */
  readonly poolSize?: number;
  /** Live subscriptions wake on LISTEN/NOTIFY. Default true; false leaves them to polling alone. */
  readonly listen?: boolean;
  /** How often a subscription polls while no listening connection is up. Default 200 ms. */
  readonly pollIntervalMs?: number;
  /** How often it polls while one is (a safety net for a notification lost with a cut connection). Default 5 s. */
  readonly listeningPollIntervalMs?: number;
  /**
   * How long an operation keeps trying to connect while the server is down, restarting or failing
   * over, before STORE_UNAVAILABLE. Only connecting is retried: nothing was sent yet. Default 15 s.
   */
  readonly connectWaitMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'position, id, stream, revision, type, data';
const PAGE_SIZE = 1000;
const LISTEN_RETRY_MS = 1000;
/** A subscription rides out a restart or a failover: about 20 s of failed reads on top of the connect waits. */
const SUBSCRIPTION_RETRIES = 14;
const READ_RETRIES = 3;

interface EventRow {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly data: string;
}

/**
 * The EventStore port on PostgreSQL through node-postgres: a connection string (the store owns
 * the pool it opens and ends it on close) or a `pg.Pool` the caller owns. The schema is created or
 * migrated before the first operation; an `appendMany` is one transaction.
 */
export function postgresStore(poolOrConnectionString: Pool | string, options: PostgresStoreOptions = {}): EventStore {
  const owned = typeof poolOrConnectionString === 'string';
  const url = owned ? parseUrl(poolOrConnectionString) : undefined;
  const schema = options.schema ?? url?.schema ?? DEFAULT_SCHEMA;
  checkSchemaName(schema);
  const pool = url === undefined ? (poolOrConnectionString as Pool) : openPool(url.connectionString, options.poolSize ?? 10);
  const name = options.name ?? `${url?.display ?? 'postgres'} (schema ${schema})`;
  const s = `"${schema}"`;
  const subscriptions = new Set<PollingSubscription>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new LedgerError('CLOSED', `${name} is closed`);
  };

  const connectWaitMs = options.connectWaitMs ?? 15_000;
  const connect = async (): Promise<PoolClient> => {
    const deadline = Date.now() + connectWaitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await pool.connect();
      } catch (error) {
        if (closed || Date.now() >= deadline || !isTransient(error)) throw storeError(error, name);
        await sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
  };

  /** A client for `work`; one whose connection failed is dropped from the pool, not handed out again. */
  const withClient = async <T>(work: (client: PoolClient) => Promise<T>, migrating = false): Promise<T> => {
    ensureOpen();
    if (!migrating) await ready();
    const client = await connect();
    // An error between two queries arrives as an event: without a listener it would crash the process.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken = false;
    try {
      return await work(client);
    } catch (error) {
      broken = !(error instanceof LedgerError) && !isServerAnswer(error);
      throw storeError(error, name);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  };

  // Migrated once; a failed attempt (server down) is tried again by the next operation.
  let migrated: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    migrated ??= withClient((client) => migrate(client, schema), true).catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  };
  void ready().catch(() => undefined);

  const write = groupedAppends({ schema: s, withClient });

  const appendMany = async (appends: readonly StreamAppend[]): Promise<AppendResult[]> => {
    ensureOpen();
    checkBatch(appends, (id) => id.toLowerCase());
    for (const a of appends) {
      const bad = a.events.find((e) => !UUID.test(e.id));
      if (bad !== undefined) throw new LedgerError('INVALID_INPUT', `event id "${bad.id}" is not a UUID`, { stream: a.stream, id: bad.id });
    }
    return write(appends.map((a) => ({ ...a, data: a.events.map((e) => serialise(e, a.stream)) })));
  };

  const append = async (stream: string, events: readonly ProposedEvent[], expected: ExpectedRevision): Promise<AppendResult> =>
    (await appendMany([{ stream, events, expected }]))[0]!;

  // A read is safe to repeat: one cut off by a lost connection is tried again on a new one.
  const rows = (text: string, params: readonly unknown[], retries = READ_RETRIES): Promise<RecordedEvent[]> =>
    retrying(() => withClient(async (client) => (await client.query<EventRow>(text, [...params])).rows.map(recorded)), retries);

  const readStream = (stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> =>
    paged({
      start: options.fromRevision ?? 0n,
      maxCount: options.maxCount,
      pageSize: PAGE_SIZE,
      fetch: (from: bigint, limit) =>
        rows(`SELECT ${COLUMNS} FROM ${s}.events WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`, [stream, from.toString(), limit]),
      cursorAfter: (last) => last.revision + 1n,
    });

  const readAfter = (after: Position, limit: number, retries?: number): Promise<RecordedEvent[]> =>
    rows(`SELECT ${COLUMNS} FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`, [after.toString(), limit], retries);

  const readAll = (options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> =>
    paged({ start: options.after ?? 0n, maxCount: options.maxCount, pageSize: PAGE_SIZE, fetch: (after, limit) => readAfter(after, limit), cursorAfter: (last) => last.position });

  const lastEvent = async (stream: string): Promise<RecordedEvent | undefined> =>
    (await rows(`SELECT ${COLUMNS} FROM ${s}.events WHERE stream = $1 ORDER BY revision DESC LIMIT 1`, [stream]))[0];

  const listener = notifications(pool, channelOf(schema), options.listen ?? true, () => {
    for (const sub of subscriptions) sub.wake();
  });

  const subscribe = (options_: { readonly after?: Position } = {}): Subscription => {
    const sub = pollingSubscription({
      after: options_.after ?? 0n,
      fetchAfter: (after) => readAfter(after, PAGE_SIZE, SUBSCRIPTION_RETRIES),
      intervalMs: () => (listener.listening() ? options.listeningPollIntervalMs ?? 5000 : options.pollIntervalMs ?? 200),
      onEnd: () => {
        subscriptions.delete(sub);
        if (subscriptions.size === 0) listener.stop();
      },
    });
    if (!closed) {
      subscriptions.add(sub);
      listener.start(ready);
    }
    return sub.subscription;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const sub of [...subscriptions]) sub.end();
    listener.stop();
    if (owned) await pool.end().catch(() => undefined);
  };

  return { name, densePositions: true, append, appendMany, readStream, lastEvent, readAll, subscribe, close };
}

/** One connection that LISTENs while subscriptions are open; reconnects after it is lost. */
function notifications(pool: Pool, channel: string, enabled: boolean, notify: () => void) {
  let client: PoolClient | undefined;
  let running = false;
  let retry: NodeJS.Timeout | undefined;

  const drop = (c: PoolClient, reconnect: () => void): void => {
    if (client !== c) return;
    client = undefined;
    c.release(true);
    if (running) retry = setTimeout(reconnect, LISTEN_RETRY_MS);
  };
  const connect = (ready: () => Promise<void>): void => {
    if (!running || client !== undefined) return;
    const reconnect = () => connect(ready);
    void (async () => {
      await ready();
      const c = await pool.connect();
      c.on('error', () => drop(c, reconnect));
      c.on('end', () => drop(c, reconnect));
      c.on('notification', notify);
      try {
        await c.query(`LISTEN "${channel}"`);
      } catch (error) {
        c.release(true);
        throw error;
      }
      if (!running) return void c.release();
      client = c;
      // Whatever committed while no one listened is found by this poll.
      notify();
    })().catch(() => {
      if (running) retry = setTimeout(reconnect, LISTEN_RETRY_MS);
    });
  };
  return {
    listening: (): boolean => client !== undefined,
    start: (ready: () => Promise<void>): void => {
      if (!enabled || running) return;
      running = true;
      connect(ready);
    },
    stop: (): void => {
      running = false;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      c?.release(true);
    },
  };
}

/** Repeats a read that STORE_UNAVAILABLE cut off, with backoff; each attempt also waits up to connectWaitMs to connect. */
async function retrying<T>(work: () => Promise<T>, retries: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!lostConnection.has(error as object) || attempt >= retries) throw error;
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
  }
}

function openPool(connectionString: string, max: number): Pool {
  let pool: Pool;
  try {
    pool = new pg.Pool({ connectionString, max, keepAlive: true });
  } catch (error) {
    throw new LedgerError('INVALID_INPUT', `unusable PostgreSQL connection string: ${(error as Error).message}`, {});
  }
  // Idle connections lost with a restarted server are replaced on the next checkout.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A connection string's `?schema=` (ours, not the driver's: taken out before pg sees it), and its
 * name for messages: `postgres://host:port/database`, credentials and settings left out.
 */
function parseUrl(connectionString: string): { connectionString: string; schema: string | undefined; display: string } {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new LedgerError('INVALID_INPUT', 'a PostgreSQL connection string looks like postgres://user@host:5432/database', {});
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema, display: `${url.protocol}//${url.host}${url.pathname}` };
}

const serialise = (e: ProposedEvent, stream: string): string => {
  if (e.json !== undefined) return e.json;
  try {
    return JSON.stringify(e.data);
  } catch (error) {
    throw new LedgerError('INVALID_INPUT', `event ${e.id} for ${stream} has data that is not JSON: ${String(error)}`, { id: e.id, stream });
  }
};

function recorded(row: EventRow): RecordedEvent {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch (error) {
    data = unreadableData(`not JSON: ${(error as Error).message}`);
  }
  return { id: row.id, type: row.type, stream: row.stream, revision: BigInt(row.revision), position: BigInt(row.position), data };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A failure that waiting may cure: no server yet, or one starting, stopping or out of connections. A refused login is not. */
const isTransient = (error: unknown): boolean => !(error instanceof pg.DatabaseError) || /^(08|57P|53)/.test(error.code ?? '');

/** The server answered (a constraint, a syntax error…): the connection itself is sound. */
const isServerAnswer = (error: unknown): boolean => error instanceof pg.DatabaseError && !/^(08|57P)/.test(error.code ?? '');

/** The STORE_UNAVAILABLE errors that a lost or refused connection caused: what a repeated read may cure. */
const lostConnection = new WeakSet<object>();

function storeError(error: unknown, name: string): unknown {
  if (error instanceof LedgerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const pgCode = error instanceof pg.DatabaseError ? error.code : undefined;
  if (pgCode === 'XX001' || pgCode === 'XX002') return new LedgerError('STORE_CORRUPT', `${name}: ${message}`, { pgCode });
  const mapped = new LedgerError('STORE_UNAVAILABLE', `${name} failed: ${message}`, pgCode === undefined ? {} : { pgCode });
  if (isTransient(error)) lostConnection.add(mapped);
  return mapped;
}
