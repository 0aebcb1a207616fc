import * as E from 'fp-ts/lib/Either.js';
import type { Fact } from '../domain/facts.js';
import { streamOf } from '../domain/streams.js';
import { canonicalize } from '../seal/canonical.js';
import { pseudonymOf, sealTexts, tagKeyOf, TAG_PREFIX } from '../seal/data-seal.js';
import { decodeEnvelope, type Envelope } from '../seal/envelope.js';
import { planSeal, sealingSubjectOf, unsealFact, type SealingKey, type SealPlan } from '../seal/fact-sealing.js';
import type { DataKey, KeyStore } from '../store/key-store.js';
import type { EventStore } from '../store/port.js';
import type { Pending } from './append.js';

/**
 * Between the ledger and its key store: names subjects by pseudonym, seals each fact under its
 * subject's key before it is chained, opens what it can for reports, and forgets a subject's
 * key, pseudonym and tags the moment it is erased. Without a key store, facts go in clear.
 */
export interface Sealer {
  readonly active: boolean;
  /** The pseudonym a subject's facts are recorded under (the id itself without a key store). */
  pseudonym(subject: string): Promise<string>;
  /** The facts as the envelopes will carry them, each in its pseudonymous stream; `create` makes missing keys. */
  seal(pending: readonly Pending[], create: boolean): Promise<Pending[]>;
  /** Whether a stored envelope records the same fact as `p` (an idempotent retry). */
  sameFact(env: Envelope, p: Pending): Promise<boolean>;
  /** Destroys the keys a recorded SubjectErased names, and every trace of the subject this process holds. */
  afterRecorded(pending: readonly Pending[]): Promise<void>;
  /** The subject's facts opened: tag and pseudonym → clear value, and whether the subject is erased. */
  revealer(subject: string): Promise<Revealer>;
  /** The same for a subject known only by its pseudonym (a stored fact's): its id is learned from its facts. */
  revealerOf(pseudonym: string): Promise<Revealer>;
  /** Every fact of the log that still opens, in one pass of its own: erased subjects left as pseudonyms. */
  revealAll(): Promise<Revealer>;
  /** The same, gathered from the envelopes a pass the caller makes anyway reads (audit's verified pass). */
  collector(): RevealCollector;
}

/** What the key store opens, learned envelope by envelope as one pass over the log reads them. */
export interface RevealCollector {
  /** Each envelope read, in store order, whatever its findings; a promise returned must be awaited before the next. */
  see(env: Envelope): Promise<void> | undefined;
  /**
   * Everything seen that opens, less what was sealed under any key a SubjectErased seen names:
   * an erasure is recorded after the facts it erases, so those are dropped only at the end.
   */
  revealer(): Revealer;
}

export interface Revealer {
  readonly pseudonym: string;
  /** True once a SubjectErased was recorded for the subject: nothing of it can be opened. */
  readonly erased: boolean;
  /** Every pseudonym and tag in `value` (deeply) replaced by what it stands for, where known. */
  reveal<T>(value: T): T;
}

const CACHE = 10_000;
/** Tokens remembered as boxed, per subject key: past it, values are boxed again (harmless, a little bigger). */
const BOXED_CACHE = 1_024;
const bounded = <K, V>(m: Map<K, V>, k: K, v: V): V => {
  m.delete(k);
  m.set(k, v);
  if (m.size > CACHE) m.delete(m.keys().next().value as K);
  return v;
};

/** The key ids recorded as erased in a stream (SubjectErased.dataKeys). */
const erasedKeysIn = async (store: EventStore, stream: string): Promise<{ keys: Set<string>; any: boolean }> => {
  const keys = new Set<string>();
  let any = false;
  for await (const ev of store.readStream(stream)) {
    if (ev.type !== 'SubjectErased') continue;
    const env = decodeEnvelope(ev.data);
    if (E.isLeft(env) || env.right.fact.type !== 'SubjectErased') continue;
    any = true;
    for (const k of env.right.fact.dataKeys ?? []) keys.add(k);
  }
  return { keys, any };
};

const SEALED_TOKEN = /sealed:[A-Za-z0-9_-]{16}|ps-[0-9a-f]{32}/g;

const replaceDeep = <T>(value: T, swap: (s: string) => string): T => {
  if (typeof value === 'string') return swap(value) as T;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, swap)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, swap)])) as T;
  return value;
};

const clearSealer: Sealer = {
  active: false,
  pseudonym: async (s) => s,
  seal: async (pending) => [...pending],
  sameFact: async (env, p) => canonicalize(env.fact) === canonicalize(p.fact),
  afterRecorded: async () => undefined,
  revealer: async (s) => ({ pseudonym: s, erased: false, reveal: (v) => v }),
  revealerOf: async (p) => ({ pseudonym: p, erased: false, reveal: (v) => v }),
  revealAll: async () => ({ pseudonym: '', erased: false, reveal: (v) => v }),
  collector: () => ({ see: () => undefined, revealer: () => ({ pseudonym: '', erased: false, reveal: (v) => v }) }),
};

/** Records what each pseudonym and tag of an opened fact stands for. */
const learn = (swaps: Map<string, string>, sealedFact: Fact, original: Fact): void => {
  const sealedFields = sealedFact as Record<string, unknown>;
  for (const [field, v] of Object.entries(original as Record<string, unknown>)) {
    const s = sealedFields[field];
    if (typeof s === 'string' && s !== v && (s.startsWith(TAG_PREFIX) || s.startsWith('ps-'))) swaps.set(s, v as string);
    if (Array.isArray(s) && Array.isArray(v)) s.forEach((t, i) => typeof t === 'string' && t.startsWith(TAG_PREFIX) && swaps.set(t, v[i] as string));
  }
};

const revealWith = (swaps: ReadonlyMap<string, string>) => <T>(v: T): T =>
  replaceDeep(v, (s) => (s.includes(TAG_PREFIX) || s.includes('ps-') ? s.replace(SEALED_TOKEN, (m) => swaps.get(m) ?? m) : s));

export const sealer = (store: EventStore, keyStore: KeyStore | undefined): Sealer => {
  if (keyStore === undefined) return clearSealer;
  let secret: Uint8Array | undefined;
  const pseudonyms = new Map<string, string>();
  const keys = new Map<string, SealingKey>();

  /** Once the secret is loaded: a map lookup, or one HMAC. */
  const pseudonymNow = (subject: string, s: Uint8Array): string => pseudonyms.get(subject) ?? bounded(pseudonyms, subject, pseudonymOf(s, subject));
  const pseudonym = async (subject: string): Promise<string> => pseudonymNow(subject, (secret ??= await keyStore.ledgerSecret()));
  const streamOfSubject = (p: string) => streamOf({ type: 'DataUsed', subject: p } as unknown as Fact);

  /**
   * The live keys of these subjects (pseudonyms), made where missing when `create` (one key store
   * call for the lot). A key the ledger recorded as erased (a key store restored from a backup) is
   * destroyed again, never used; a key made by this very call cannot be one, so is not looked up.
   */
  const loadKeys = async (subjects: readonly string[], create: boolean): Promise<Map<string, SealingKey>> => {
    const out = new Map<string, SealingKey>();
    for (const p of subjects) if (keys.has(p)) out.set(p, keys.get(p)!);
    const missing = [...new Set(subjects)].filter((p) => !out.has(p));
    if (missing.length === 0) return out;
    const found = await keyStore.currentKeys(missing, create);
    for (const [p, key] of found) {
      const live = key.created === true ? key : await notErased(p, key, create);
      if (live === undefined) found.delete(p);
      else found.set(p, live);
    }
    for (const [p, key] of found) out.set(p, bounded(keys, p, { key, tagKey: tagKeyOf(key.key), tags: new Map(), boxed: new Set() }));
    return out;
  };

  /** `key`, unless the subject's stream records it (or another of its keys) as erased: those are destroyed, and the next live key taken (or made). */
  const notErased = async (p: string, key: DataKey, create: boolean): Promise<DataKey | undefined> => {
    const erased = await erasedKeysIn(store, streamOfSubject(p));
    const stale = (await keyStore.keyIdsOf(p)).filter((id) => erased.keys.has(id));
    if (stale.length === 0) return key;
    await keyStore.destroy(stale);
    return (await keyStore.currentKeys([p], create)).get(p);
  };

  /** What each sealed fact's box holds, to be learned by its key's `boxed` once the fact is recorded. */
  const boxing = new WeakMap<Pending, { readonly key: SealingKey; readonly tokens: readonly string[] }>();

  /** Plans one fact's sealing (its box is sealed with the rest of the call's); a SubjectErased names the live keys it will destroy. */
  const planOne = (p: Pending, loaded: ReadonlyMap<string, SealingKey>, s: Uint8Array, inCall: Map<SealingKey, Set<string>>, liveKeys?: readonly string[]): { out: Pending; key?: SealingKey; plan: SealPlan } => {
    const owner = sealingSubjectOf(p.fact);
    let clear = p.fact;
    if (clear.type === 'SubjectErased') clear = { ...clear, dataKeys: [...new Set([...(clear.dataKeys ?? []), ...(liveKeys ?? [])])] } as Fact;
    const ps = owner === undefined ? undefined : pseudonymNow(owner, s);
    const key = ps === undefined || clear.type === 'SubjectErased' ? undefined : loaded.get(ps);
    // Only in the subject's own stream may a fact lean on a box recorded before it: that is the stream its facts are opened from.
    const ownStream = ps !== undefined && streamOf(clear) === `subject-${owner}`;
    // A call's facts of one stream are appended together and in order, so a later one may also lean on an earlier one's box.
    let earlier = key === undefined ? undefined : inCall.get(key);
    if (key !== undefined && earlier === undefined) inCall.set(key, (earlier = new Set()));
    const boxed = ownStream && key !== undefined ? { has: (t: string) => key.boxed?.has(t) === true || earlier!.has(t) } : undefined;
    const plan = planSeal(clear, (id) => pseudonymNow(id, s), key, boxed);
    if (ownStream) for (const t of plan.tokens ?? []) earlier!.add(t);
    const out: Pending = { index: p.index, id: p.id, explicit: p.explicit, clear, fact: plan.fact, stream: streamOf(plan.fact) };
    return { out, plan, ...(key === undefined ? {} : { key }) };
  };

  const opened = async (env: Envelope, erased: ReadonlySet<string>): Promise<Fact | undefined> => {
    if (env.sealed === undefined || erased.has(env.sealed.key)) return undefined;
    const key: DataKey | undefined = await keyStore.keyById(env.sealed.key);
    return key === undefined ? undefined : unsealFact(env.fact, env.sealed, key, env.id);
  };

  const forget = (p: string): void => {
    keys.delete(p);
    for (const [s, name] of pseudonyms) if (name === p) pseudonyms.delete(s);
  };

  /** A subject's stream opened; `subject`, when known, names its pseudonym before any fact does. */
  const subjectRevealer = async (p: string, subject: string | undefined): Promise<Revealer> => {
    const stream = streamOfSubject(p);
    const erased = await erasedKeysIn(store, stream);
    if (erased.any) {
      forget(p);
      return { pseudonym: p, erased: true, reveal: (v) => v };
    }
    const swaps = new Map<string, string>(subject === undefined ? [] : [[p, subject]]);
    for await (const ev of store.readStream(stream)) {
      const env = decodeEnvelope(ev.data);
      if (E.isLeft(env)) continue;
      const original = await opened(env.right, erased.keys);
      if (original !== undefined) learn(swaps, env.right.fact, original);
    }
    return { pseudonym: p, erased: false, reveal: revealWith(swaps) };
  };

  const collector = (): RevealCollector => {
    const erased = new Set<string>();
    // An erased subject stays a pseudonym, even where a fact recorded after its erasure opens under a key of its own.
    const erasedSubjects = new Set<string>();
    // Swaps by the key that opened them, so that an erasure seen later drops them all.
    const byKey = new Map<string, Map<string, string>>();
    const keyOf = new Map<string, DataKey | undefined>();
    const learnFrom = async (env: Envelope, id: string): Promise<void> => {
      if (!keyOf.has(id)) keyOf.set(id, await keyStore.keyById(id));
      const key = keyOf.get(id);
      const original = key === undefined ? undefined : unsealFact(env.fact, env.sealed!, key, env.id);
      if (original === undefined) return;
      let swaps = byKey.get(id);
      if (swaps === undefined) byKey.set(id, (swaps = new Map()));
      learn(swaps, env.fact, original);
    };
    return {
      see(env) {
        if (env.fact.type === 'SubjectErased') {
          for (const k of env.fact.dataKeys ?? []) erased.add(k);
          erasedSubjects.add(env.fact.subject);
          return undefined;
        }
        if (env.sealed === undefined || erased.has(env.sealed.key)) return undefined;
        return learnFrom(env, env.sealed.key);
      },
      revealer() {
        const swaps = new Map<string, string>();
        for (const [id, learned] of byKey) if (!erased.has(id)) for (const [token, clear] of learned) if (!erasedSubjects.has(token)) swaps.set(token, clear);
        byKey.clear();
        keyOf.clear();
        return { pseudonym: '', erased: false, reveal: revealWith(swaps) };
      },
    };
  };

  return {
    active: true,
    pseudonym,
    async seal(pending, create) {
      const s = (secret ??= await keyStore.ledgerSecret());
      const owners: string[] = [];
      const erasing = new Map<number, string[]>();
      for (const p of pending) {
        const owner = sealingSubjectOf(p.fact);
        if (owner === undefined) continue;
        if (p.fact.type === 'SubjectErased') erasing.set(p.index, await keyStore.keyIdsOf(pseudonymNow(owner, s)));
        else owners.push(pseudonymNow(owner, s));
      }
      const loaded = await loadKeys(owners, create);
      const inCall = new Map<SealingKey, Set<string>>();
      const plans = pending.map((p) => planOne(p, loaded, s, inCall, erasing.get(p.index)));
      const items = plans.flatMap(({ out, key, plan }) => (plan.hidden === undefined ? [] : [{ key: key!.key, plain: plan.hidden, aad: out.id }]));
      const boxes = await sealTexts(items);
      let next = 0;
      return plans.map(({ out, key, plan }) => {
        if (plan.hidden === undefined) return out;
        const sealed: Pending = { ...out, sealed: boxes[next++]! };
        boxing.set(sealed, { key: key!, tokens: plan.tokens! });
        return sealed;
      });
    },
    // Pseudonyms and tags are deterministic under the subject's key, so the same fact seals to the same
    // stored form whether or not either envelope carries a box; a SubjectErased's key ids are the writer's.
    async sameFact(env, p) {
      const strip = (f: Fact) => (f.type === 'SubjectErased' ? canonicalize({ ...f, dataKeys: undefined }) : canonicalize(f));
      return strip(env.fact) === strip(p.fact);
    },
    async afterRecorded(pending) {
      for (const p of pending) {
        const boxed = boxing.get(p);
        if (boxed !== undefined && boxed.key.boxed !== undefined && boxed.key.boxed.size < BOXED_CACHE) for (const t of boxed.tokens) boxed.key.boxed.add(t);
        if (p.fact.type !== 'SubjectErased') continue;
        await keyStore.destroy(p.fact.dataKeys ?? []);
        forget(p.fact.subject);
      }
    },
    revealer: async (subject) => subjectRevealer(await pseudonym(subject), subject),
    revealerOf: (p) => subjectRevealer(p, undefined),
    async revealAll() {
      const collecting = collector();
      for await (const ev of store.readAll()) {
        const env = decodeEnvelope(ev.data);
        if (E.isRight(env)) await collecting.see(env.right);
      }
      return collecting.revealer();
    },
    collector,
  };
};
