/**
 * Appends on PostgreSQL, with group commit: the appends that arrive while a transaction is being
 * committed go together into the next one, each inside a savepoint of its own, so that a refused
 * one rolls back alone. Appends to one ledger are serialised by its position allocator anyway;
 * grouping lets them share one commit (one WAL flush) instead of waiting for one each.
 */
import pg from 'pg';
import type { PoolClient } from 'pg';
import { LedgerError } from '../domain/errors.js';
import type { AppendResult, StreamAppend } from './port.js';
import { duplicateEventId, wrongRevision } from './shared.js';

/** An append as it is written: the events' JSON made beforehand, so that bad data refuses only its own call. */
export interface SerialisedAppend extends StreamAppend {
  readonly data: readonly string[];
}

interface Queued {
  readonly appends: readonly SerialisedAppend[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

type Outcome = { readonly results: AppendResult[] } | { readonly error: unknown };

interface AppendRow {
  readonly ok: boolean;
  readonly head: string | null;
  readonly last_position: string;
}

export interface GroupedAppendsOptions {
  /** The quoted schema. */
  readonly schema: string;
  /** Runs `work` on a pooled connection, mapping what fails to the port's errors. */
  readonly withClient: <T>(work: (client: PoolClient) => Promise<T>) => Promise<T>;
}

export function groupedAppends({ schema, withClient }: GroupedAppendsOptions): (appends: readonly SerialisedAppend[]) => Promise<AppendResult[]> {
  const appendOne = async (client: PoolClient, a: SerialisedAppend): Promise<AppendResult> => {
    const { rows } = await client.query<AppendRow>(`SELECT ok, head, last_position FROM ${schema}.append_events($1, $2, $3, $4, $5)`, [
      a.stream,
      typeof a.expected === 'bigint' ? a.expected.toString() : a.expected,
      a.events.map((e) => e.id),
      a.events.map((e) => e.type),
      a.data,
    ]);
    const row = rows[0]!;
    if (!row.ok) throw wrongRevision(a.stream, a.expected, row.head === null ? 'no_stream' : BigInt(row.head));
    return { nextRevision: BigInt(row.head!), position: BigInt(row.last_position) };
  };

  /** A refusal from a constraint or the serializer, named as the port names it; anything else as it was. */
  const conflictError = async (client: PoolClient, error: unknown, a: StreamAppend): Promise<unknown> => {
    if (!(error instanceof pg.DatabaseError)) return error;
    if (error.code === '23505' && error.constraint === 'events_id_unique') {
      const stored = /\)=\(([^)]+)\)/.exec(error.detail ?? '')?.[1];
      return duplicateEventId(a.events.find((e) => e.id.toLowerCase() === stored)?.id ?? stored, a.stream);
    }
    // A writer outside the allocator took the revision, or a stricter isolation level refused the race.
    if (error.code === '23505' || error.code === '40001' || error.code === '40P01') {
      const head = await client.query<{ revision: string }>(`SELECT revision FROM ${schema}.events WHERE stream = $1 ORDER BY revision DESC LIMIT 1`, [a.stream]);
      const actual = head.rows[0]?.revision;
      return wrongRevision(a.stream, a.expected, actual === undefined ? 'no_stream' : BigInt(actual));
    }
    return error;
  };

  /** The appends of one call, in order; on a refusal, undoes them to `undo` and returns the port's error. */
  const writeCall = async (client: PoolClient, appends: readonly SerialisedAppend[], undo: string): Promise<Outcome> => {
    let current: SerialisedAppend | undefined;
    try {
      const results: AppendResult[] = [];
      for (const a of appends) results.push(await appendOne(client, (current = a)));
      return { results };
    } catch (error) {
      // A lost connection fails the whole transaction: only the server's refusals are this call's own.
      if (!(error instanceof LedgerError || error instanceof pg.DatabaseError) || /^(08|57P)/.test((error as pg.DatabaseError).code ?? '')) throw error;
      await client.query(undo);
      return { error: await conflictError(client, error, current!) };
    }
  };

  const commitGroup = (group: readonly Queued[]): Promise<void> =>
    withClient(async (client) => {
      const only = group.length === 1 ? group[0]! : undefined;
      // One append alone is one statement, so its own transaction: one round trip.
      if (only?.appends.length === 1) {
        const outcome = await writeCall(client, only.appends, 'SELECT 1');
        return void ('results' in outcome ? only.resolve(outcome.results) : only.reject(outcome.error));
      }
      const outcomes: Outcome[] = [];
      await client.query('BEGIN');
      try {
        for (const r of group) {
          if (only === undefined) await client.query('SAVEPOINT call');
          const outcome = await writeCall(client, r.appends, only === undefined ? 'ROLLBACK TO SAVEPOINT call' : 'ROLLBACK');
          if (only === undefined && 'results' in outcome) await client.query('RELEASE SAVEPOINT call');
          outcomes.push(outcome);
        }
        if (only === undefined || 'results' in outcomes[0]!) await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      outcomes.forEach((o, i) => ('results' in o ? group[i]!.resolve(o.results) : group[i]!.reject(o.error)));
    }).catch((error: unknown) => {
      for (const r of group) r.reject(error);
    });

  let queued: Queued[] = [];
  let committing = false;
  const next = (): void => {
    if (committing || queued.length === 0) return;
    const group = queued;
    queued = [];
    committing = true;
    void commitGroup(group).finally(() => {
      committing = false;
      next();
    });
  };

  return (appends) =>
    new Promise((resolve, reject) => {
      queued.push({ appends, resolve, reject });
      next();
    });
}
