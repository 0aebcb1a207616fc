import * as E from 'fp-ts/lib/Either.js';
import { LedgerError, isLedgerError } from '../domain/errors.js';
import type { Fact } from '../domain/facts.js';
import { canonicalize } from '../seal/canonical.js';
import { chainWithText, decodeEnvelope, envelopeJson, type ChainHead, type Envelope, type SigningMode } from '../seal/envelope.js';
import { bytesToHex, checkedHexBytes } from '../seal/hash.js';
import type { Signer } from '../seal/signers.js';
import type { EventStore, Position, StreamAppend } from '../store/port.js';
import type { CheckResult } from '../projection/compliance-types.js';
import { readHead, type HeadCache } from './heads.js';
import type { SealedBox } from '../seal/data-seal.js';

/** A decoded fact on its way into the ledger. */
export interface Pending {
  /** Its place in the caller's list. */
  readonly index: number;
  readonly id: string;
  /** The caller gave the id: it may be a retry of something already recorded. */
  readonly explicit: boolean;
  /** The fact as its envelope will carry it (sealed, when the ledger has a key store). */
  readonly fact: Fact;
  readonly stream: string;
  /** The fact as given, when sealing changed it: what an idempotent retry is compared with. */
  readonly clear?: Fact;
  /** Its personal fields under its subject's key. */
  readonly sealed?: SealedBox;
}

/** What record() did with one fact. */
export interface Recorded {
  readonly id: string;
  readonly type: Fact['type'];
  readonly stream: string;
  readonly revision: number;
  readonly hash: string;
  /** True when the fact's id was already recorded with the same content: an idempotent retry, nothing appended. */
  readonly duplicate: boolean;
  /**
   * The verdict the fact got as recorded, judged on everything before it in the log, with its
   * proof. Absent for a duplicate, which was judged when first recorded (`ledger.explain(id)`),
   * with `verdicts: false`, and when the store could not be read back after the append.
   */
  readonly verdict?: CheckResult;
}

export interface AppenderOptions {
  readonly store: EventStore;
  /** The ledger's identity, sealed into every envelope (read when sealing: it is settled on open). */
  readonly ledger: () => string;
  /** The clock that stamps recordedAt. */
  readonly clock: () => Date;
  readonly signer: Signer;
  readonly mode: SigningMode;
  readonly heads: HeadCache;
  readonly maxRetries: number;
  /** Whether a stored envelope records the same fact as a pending one; default: canonical equality of the facts. */
  readonly sameFact?: (env: Envelope, p: Pending) => Promise<boolean>;
  /** Told just before an append goes to the store. */
  readonly onWrite?: () => void;
  /** Told of every append that landed: its envelopes in store order, the last at `position`. */
  readonly onPlaced?: (placed: readonly Placed[]) => void;
}

/** Envelopes one append put in the store, in order; the last of them at `position`. */
export interface Placed {
  readonly envelopes: readonly Envelope[];
  readonly position: Position;
}

/** How one call appends: on the heads its caller read (and judged by), and whether a lost race is retried. */
export interface AppendControl {
  /** The chain heads to append onto, for the streams given; others are read as usual. */
  readonly heads?: ReadonlyMap<string, ChainHead | undefined>;
  /** False: a stream that moved on is WRONG_EXPECTED_REVISION to the caller, who must judge again. Default true. */
  readonly retry?: boolean;
  /** Seal the facts as declared backfill (imported history). */
  readonly backfill?: boolean;
  /** Sign on this thread instead of queueing behind the batches on the signing pool (one small fact, wanted soon: a checkpoint's). */
  readonly signNow?: boolean;
}

const asRecorded = (env: Envelope, duplicate: boolean): Recorded => ({
  id: env.id,
  type: env.fact.type,
  stream: env.stream,
  revision: env.revision,
  hash: env.hash,
  duplicate,
});

const retriable = (e: unknown) =>
  isLedgerError(e, 'WRONG_EXPECTED_REVISION') || isLedgerError(e, 'STORE_UNAVAILABLE') || isLedgerError(e, 'DUPLICATE_EVENT_ID');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seals and appends one record() call's facts. */
export type Appender = (facts: Pending[], control?: AppendControl) => Promise<Map<number, Recorded>>;

/** A run: consecutive facts of one stream, sealed onto the chain as it stands after the runs before it. */
interface Run {
  readonly stream: string;
  /** Where the run expects its stream to stand: set when the runs are chained. */
  expected: bigint | 'no_stream';
  readonly facts: Pending[];
  envelopes: Envelope[];
  /** The canonical text of each envelope's body, from which its stored JSON is made. */
  bodyTexts: string[];
}

/**
 * Seals and appends the facts of one record() call, all streams in one transaction where the
 * store can (appendMany), in the caller's order; re-reads heads and retries after a lost race
 * or a dropped connection, never appending a fact twice.
 */
export const appender = ({ store, ledger, clock, signer, mode, heads, maxRetries, sameFact, onWrite, onPlaced }: AppenderOptions): Appender => {
  const same = sameFact ?? (async (env: Envelope, p: Pending) => canonicalize(env.fact) === canonicalize(p.fact));
  /** Envelopes already in `stream` whose ids are among `ids`, scanning from `fromRevision`. */
  const recordedIn = async (stream: string, ids: Set<string>, fromRevision: bigint): Promise<Map<string, Envelope>> => {
    const found = new Map<string, Envelope>();
    for await (const ev of store.readStream(stream, { fromRevision })) {
      // Ids compare without regard to case: a row written before ids were kept in lower case still counts.
      const id = ev.id.toLowerCase();
      if (!ids.has(id)) continue;
      const env = decodeEnvelope(ev.data);
      if (E.isRight(env)) found.set(id, env.right);
      if (found.size === ids.size) break;
    }
    return found;
  };

  /** Moves facts already recorded under their id into `out`; refuses an id reused for a different fact. */
  const dropRecorded = async (facts: Pending[], scanFrom: Map<string, bigint>, out: Map<number, Recorded>): Promise<Pending[]> => {
    await Promise.all(
      [...scanFrom].map(async ([stream, from]) => {
        const mine = facts.filter((p) => p.stream === stream);
        const found = await recordedIn(stream, new Set(mine.map((p) => p.id)), from);
        for (const p of mine) {
          const env = found.get(p.id);
          if (!env) continue;
          if (!(await same(env, p))) {
            throw new LedgerError('DUPLICATE_EVENT_ID', `event id ${p.id} is already recorded in "${stream}" for a different fact`, { id: p.id, stream });
          }
          out.set(p.index, asRecorded(env, true));
        }
      }),
    );
    return facts.filter((p) => !out.has(p.index));
  };

  /** Chains every run onto its stream's head, then signs: every envelope, or each stream's last. */
  const sealRuns = async (todo: Pending[], startHeads: Map<string, ChainHead | undefined>, control: AppendControl): Promise<Run[]> => {
    const backfill = control.backfill === true;
    const running = new Map(startHeads);
    const recordedAt = clock().toISOString();
    const identity = ledger();
    const runs: Run[] = [];
    for (const p of todo) {
      const last = runs[runs.length - 1];
      if (last && last.stream === p.stream) last.facts.push(p);
      else runs.push({ stream: p.stream, expected: 'no_stream', facts: [p], envelopes: [], bodyTexts: [] });
    }
    for (const run of runs) {
      const head = running.get(run.stream);
      run.expected = head ? BigInt(head.revision) : 'no_stream';
      const chained = chainWithText(run.facts.map((p) => p.fact), {
        ledger: identity, stream: run.stream, head, keyId: signer.keyId, recordedAt, ids: run.facts.map((p) => p.id), backfill,
        ...(run.facts.some((p) => p.sealed !== undefined) ? { sealed: run.facts.map((p) => p.sealed) } : {}),
      });
      run.envelopes = chained.map((c) => c.envelope);
      run.bodyTexts = chained.map((c) => c.bodyText);
      const end = run.envelopes[run.envelopes.length - 1]!;
      running.set(run.stream, { revision: end.revision, hash: end.hash });
    }
    const all = runs.flatMap((r) => r.envelopes);
    const toSign = mode === 'per-event' ? all : all.filter((env) => running.get(env.stream)!.hash === env.hash);
    const messages = toSign.map((env) => checkedHexBytes(env.hash));
    const sigs = control.signNow === true ? messages.map((m) => signer.sign(m)) : await signer.signMany(messages);
    // The envelopes are this call's own until written: the signature goes on in place.
    toSign.forEach((env, k) => ((env as { sig?: string }).sig = bytesToHex(sigs[k]!)));
    return runs;
  };

  const write = async (runs: readonly Run[]): Promise<void> => {
    const appends: StreamAppend[] = runs.map((r) => ({
      stream: r.stream,
      expected: r.expected,
      events: r.envelopes.map((e, i) => ({
        id: e.id,
        type: e.fact.type,
        data: e as unknown as Record<string, unknown>,
        json: envelopeJson(r.bodyTexts[i]!, e.hash, e.sig),
      })),
    }));
    onWrite?.();
    if (store.appendMany) {
      const results = await store.appendMany(appends);
      onPlaced?.(runs.map((r, i) => ({ envelopes: r.envelopes, position: results[i]!.position })));
      return;
    }
    // No transaction across streams: each stream's runs as one append; a retry finds what landed.
    const byStream = new Map<string, { append: StreamAppend; envelopes: Envelope[] }>();
    runs.forEach((r, i) => {
      const a = appends[i]!;
      const seen = byStream.get(a.stream);
      if (seen) byStream.set(a.stream, { append: { ...seen.append, events: [...seen.append.events, ...a.events] }, envelopes: [...seen.envelopes, ...r.envelopes] });
      else byStream.set(a.stream, { append: a, envelopes: [...r.envelopes] });
    });
    for (const { append: a, envelopes } of byStream.values()) {
      const result = await store.append(a.stream, a.events, a.expected);
      onPlaced?.([{ envelopes, position: result.position }]);
    }
  };

  return async (facts: Pending[], control: AppendControl = {}): Promise<Map<number, Recorded>> => {
    const out = new Map<number, Recorded>();
    const streams = [...new Set(facts.map((p) => p.stream))];
    // Explicit ids may be retries of facts recorded long ago: scan their streams from the start.
    const scanFrom = new Map<string, bigint>(streams.filter((s) => facts.some((p) => p.stream === s && p.explicit)).map((s) => [s, 0n]));
    // An id the store refused as stored elsewhere: once our own streams show it is not a retry of ours, it never will be.
    let refusedId: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const todo = await dropRecorded(facts, scanFrom, out);
      if (todo.length === 0) return out;
      const clash = refusedId === undefined ? undefined : todo.find((p) => p.id.toLowerCase() === refusedId);
      if (clash) {
        throw new LedgerError('DUPLICATE_EVENT_ID', `event id ${clash.id} is already recorded for another fact, outside "${clash.stream}": give this fact another id`, {
          id: clash.id,
          stream: clash.stream,
          index: clash.index,
        });
      }
      const involved = [...new Set(todo.map((p) => p.stream))];
      // Without retries the caller's heads hold on every attempt: a stream that moved on must be judged again.
      const given = attempt === 0 || control.retry === false ? control.heads : undefined;
      const startHeads = new Map(await Promise.all(involved.map(async (s) => [s, given?.has(s) ? given.get(s) : heads.get(s) ?? (await readHead(store, s))] as const)));
      try {
        const runs = await sealRuns(todo, startHeads, control);
        await write(runs);
        for (const run of runs) {
          run.envelopes.forEach((env, i) => out.set(run.facts[i]!.index, asRecorded(env, false)));
          const end = run.envelopes[run.envelopes.length - 1]!;
          heads.set(run.stream, { revision: end.revision, hash: end.hash });
        }
        return out;
      } catch (e) {
        if (!retriable(e) || (control.retry === false && isLedgerError(e, 'WRONG_EXPECTED_REVISION'))) throw e;
        if (isLedgerError(e, 'DUPLICATE_EVENT_ID') && typeof e.details.id === 'string') refusedId = e.details.id.toLowerCase();
        for (const s of involved) heads.forget(s);
        if (attempt >= maxRetries) {
          // A store that stayed unreachable is that, not a lost race: its own error, with the count.
          if (isLedgerError(e, 'STORE_UNAVAILABLE')) throw new LedgerError('STORE_UNAVAILABLE', `${e.message} (after ${attempt + 1} attempts)`, { ...e.details, attempts: attempt + 1 });
          throw new LedgerError('CONFLICT_RETRIES_EXHAUSTED', `gave up appending to ${involved.map((s) => `"${s}"`).join(', ')} after ${attempt + 1} attempts: ${(e as Error).message}`, {
            streams: involved,
            cause: (e as LedgerError).code,
          });
        }
        // Our own ids may have landed before the error reached us: look for them from where we stood.
        for (const [s, head] of startHeads) {
          const from = head ? BigInt(head.revision + 1) : 0n;
          const before = scanFrom.get(s);
          scanFrom.set(s, before === undefined || from < before ? from : before);
        }
        await sleep(Math.min(200, 2 ** attempt) * Math.random());
      }
    }
  };
};
