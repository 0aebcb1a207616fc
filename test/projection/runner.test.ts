import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import type { Fact } from '../../src/domain/facts.js';
import { decodeEnvelope } from '../../src/seal/envelope.js';
import { ledgerTestStore } from '../helpers/ledger-store.js';
import type { EventStore } from '../../src/store/port.js';
import {
  complianceProjection,
  complianceReport,
  fileCheckpoints,
  foldCompliance,
  memoryCheckpoints,
  runProjection,
  type MalformedEvent,
  type Projection,
} from '../../src/projection/index.js';
import { collected, consented, disclosed, sealed, t, used } from './given.js';

const append = async (store: EventStore, facts: readonly Fact[]) => {
  const envelopes = facts.map(sealed);
  for (const e of envelopes) await store.append(e.stream, [{ id: e.id, type: e.fact.type, data: { ...e } }], 'any');
  return envelopes;
};

const facts = (n: number): Fact[] => Array.from({ length: n }, (_, i) => (i === 0 ? collected({ at: t(0) }) : used({ at: t(1, i) })));

/** A projection that records which events it saw and counts every application. */
const counting = (throwOn?: string) => {
  let applications = 0;
  const projection: Projection<{ ids: string[] }> = {
    name: 'counting',
    initial: () => ({ ids: [] }),
    apply: (state, envelope) => {
      if (envelope.id === throwOn) throw new Error('crash while applying');
      applications++;
      return { ids: [...state.ids, envelope.id] };
    },
  };
  return { projection, applications: () => applications };
};

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pl-checkpoints-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('runProjection: catch up once', () => {
  it('applies every event in global order, checkpoints state and position together at the end', async () => {
    const store = ledgerTestStore();
    const envs = await append(store, facts(5));
    const checkpoints = memoryCheckpoints();
    const { projection } = counting();
    const result = await runProjection({ store, projection, checkpoints, decode: decodeEnvelope }).done;
    expect(result.state.ids).toEqual(envs.map((e) => e.id));
    expect(result).toMatchObject({ applied: 5, malformed: 0, position: 5n });
    expect(await checkpoints.load('counting')).toMatchObject({ position: 5n });
  });

  it('resumes after a restart without processing any event twice', async () => {
    const store = ledgerTestStore();
    const first = await append(store, facts(5));
    const checkpoints = memoryCheckpoints();
    const c1 = counting();
    await runProjection({ store, projection: c1.projection, checkpoints, decode: decodeEnvelope }).done;
    const second = await append(store, facts(3));
    const c2 = counting();
    const result = await runProjection({ store, projection: c2.projection, checkpoints, decode: decodeEnvelope }).done;
    expect(c1.applications() + c2.applications()).toBe(8);
    expect(result.applied).toBe(3);
    expect(result.state.ids).toEqual([...first, ...second].map((e) => e.id));
  });

  it('after a crash mid-run, resumes from the last checkpoint: every event applied exactly once to the state', async () => {
    const store = ledgerTestStore();
    const envs = await append(store, facts(8));
    const checkpoints = memoryCheckpoints();
    const crashing = counting(envs[3]!.id);
    const crashed = runProjection({ store, projection: crashing.projection, checkpoints, decode: decodeEnvelope, checkpointEvery: 1 }).done;
    await expect(crashed).rejects.toThrow('crash while applying');
    expect(await checkpoints.load('counting')).toMatchObject({ position: 3n });
    const healthy = counting();
    const result = await runProjection({ store, projection: healthy.projection, checkpoints, decode: decodeEnvelope }).done;
    expect(healthy.applications()).toBe(5);
    expect(result.state.ids).toEqual(envs.map((e) => e.id));
  });

  it('reports malformed events with their position, skips them, and folds on', async () => {
    const store = ledgerTestStore();
    await append(store, facts(2));
    await store.append('subject-x', [{ id: '0190a000-0000-7000-8000-000000000001', type: 'DataUsed', data: { not: 'an envelope' } }], 'any');
    const bad = sealed(used({ at: t(2) }));
    const badFact = { ...bad, fact: { ...bad.fact, purpose: 42 } };
    await store.append(bad.stream, [{ id: bad.id, type: 'DataUsed', data: badFact }], 'any');
    await append(store, facts(1));
    const malformed: MalformedEvent[] = [];
    const { projection } = counting();
    const result = await runProjection({
      store,
      projection,
      checkpoints: memoryCheckpoints(),
      decode: decodeEnvelope,
      onMalformed: (m) => malformed.push(m),
    }).done;
    expect(result).toMatchObject({ applied: 3, malformed: 2, position: 5n });
    expect(malformed.map((m) => m.position)).toEqual([3n, 4n]);
    expect(malformed[0]!.errors.map((e) => e.field)).toContain('id');
    expect(malformed[1]).toMatchObject({ id: bad.id, stream: bad.stream, errors: [expect.objectContaining({ field: 'fact.purpose' })] });
  });
});

describe('runProjection: defences', () => {
  it('a decoder that throws reports the event as malformed and the fold goes on', async () => {
    const store = ledgerTestStore();
    await append(store, facts(3));
    const malformed: MalformedEvent[] = [];
    let calls = 0;
    const decode = (data: unknown) => {
      if (++calls === 2) throw new Error('decoder bug');
      return decodeEnvelope(data);
    };
    const { projection } = counting();
    const result = await runProjection({ store, projection, checkpoints: memoryCheckpoints(), decode, onMalformed: (m) => malformed.push(m) }).done;
    expect(result).toMatchObject({ applied: 2, malformed: 1 });
    expect(malformed[0]).toMatchObject({ position: 2n, errors: [{ field: '(event)', message: 'decoder bug' }] });
  });

  it('a store that hands back events the checkpoint already holds does not get them applied twice', async () => {
    const inner = ledgerTestStore();
    await append(inner, facts(4));
    // An adapter with an off-by-one: it ignores `after` and reads from the start.
    const sloppy: EventStore = { ...inner, readAll: () => inner.readAll() };
    const checkpoints = memoryCheckpoints();
    const first = counting();
    await runProjection({ store: sloppy, projection: first.projection, checkpoints, decode: decodeEnvelope }).done;
    await append(inner, facts(2));
    const second = counting();
    const result = await runProjection({ store: sloppy, projection: second.projection, checkpoints, decode: decodeEnvelope }).done;
    expect(first.applications() + second.applications()).toBe(6);
    expect(new Set(result.state.ids).size).toBe(6);
  });
});

describe('fileCheckpoints', () => {
  it('survive a new runner instance: nothing is re-applied, later events are', async () => {
    const store = ledgerTestStore();
    const envs = await append(store, [collected({ at: t(0) }), consented({ at: t(0, 1) }), used({ at: t(1) }), disclosed({ at: t(2) })]);
    const dir = await tempDir();
    const first = await runProjection({ store, projection: complianceProjection(), checkpoints: fileCheckpoints(dir), decode: decodeEnvelope }).done;
    expect(first.applied).toBe(4);

    const more = await append(store, [used({ purpose: 'personalization', at: t(3) })]);
    const second = await runProjection({ store, projection: complianceProjection(), checkpoints: fileCheckpoints(dir), decode: decodeEnvelope }).done;
    expect(second.applied).toBe(1);
    expect(second.state.facts).toBe(5);
    expect(complianceReport(second.state, t(40))).toEqual(complianceReport(foldCompliance([...envs, ...more]), t(40)));
    expect(await readdir(dir)).toEqual(['compliance.checkpoint.json']);
  });

  it('a file that is not a checkpoint is refused with STORE_CORRUPT, not read as an empty state', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'compliance.checkpoint.json'), '{"position": 3');
    const err = await fileCheckpoints(dir).load('compliance').catch((e: unknown) => e);
    expect(isLedgerError(err, 'STORE_CORRUPT')).toBe(true);
  });

  it('load of a projection never checkpointed is undefined', async () => {
    expect(await fileCheckpoints(await tempDir()).load('never')).toBeUndefined();
  });
});

describe('runProjection: follow', () => {
  it('keeps applying live events until stopped, then checkpoints', async () => {
    const store = ledgerTestStore();
    await append(store, facts(2));
    const checkpoints = memoryCheckpoints();
    const { projection } = counting();
    const run = runProjection({ store, projection, checkpoints, decode: decodeEnvelope, follow: true });
    while (run.current().applied < 2) await new Promise((r) => setTimeout(r, 5));
    const live = await append(store, facts(3));
    while (run.current().applied < 5) await new Promise((r) => setTimeout(r, 5));
    const result = await run.stop();
    expect(result.applied).toBe(5);
    expect(result.state.ids.slice(2)).toEqual(live.map((e) => e.id));
    expect(await checkpoints.load('counting')).toMatchObject({ position: 5n });
  });
});
