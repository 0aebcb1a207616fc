import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerError } from '../domain/errors.js';
import type { Position } from '../store/port.js';

/** A projection's state as of a store position: saved together, so a resume never applies an event twice. */
export interface Checkpoint {
  readonly position: Position;
  /** The serialized state after applying everything up to and including `position`. */
  readonly snapshot: string;
}

export interface CheckpointStore {
  load(name: string): Promise<Checkpoint | undefined>;
  save(name: string, checkpoint: Checkpoint): Promise<void>;
}

/** Checkpoints in memory: for tests, and for runs that need not survive the process. */
export const memoryCheckpoints = (): CheckpointStore & { readonly saves: number } => {
  const saved = new Map<string, Checkpoint>();
  let saves = 0;
  return {
    get saves() {
      return saves;
    },
    load: async (name) => saved.get(name),
    save: async (name, checkpoint) => {
      saves++;
      saved.set(name, { position: checkpoint.position, snapshot: checkpoint.snapshot });
    },
  };
};

const fileName = (name: string): string => `${encodeURIComponent(name)}.checkpoint.json`;

/**
 * Checkpoints as one JSON file per projection in `dir`. A save writes a temporary file,
 * flushes it and renames it over the old one, so a crash leaves the old or the new
 * checkpoint, never half of one.
 */
export const fileCheckpoints = (dir: string): CheckpointStore => ({
  load: async (name) => {
    const path = join(dir, fileName(name));
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LedgerError('STORE_UNAVAILABLE', `cannot read checkpoint ${path}: ${(e as Error).message}`, { path });
    }
    // The snapshot is kept as a string field so the position can be read without parsing the state twice.
    let parsed: { position?: unknown; snapshot?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // reported below, as any other checkpoint we did not write
    }
    if (typeof parsed.position !== 'string' || !/^\d+$/.test(parsed.position) || typeof parsed.snapshot !== 'string') {
      throw new LedgerError('STORE_CORRUPT', `checkpoint ${path} is not a checkpoint this library wrote`, { path });
    }
    return { position: BigInt(parsed.position), snapshot: parsed.snapshot };
  },
  save: async (name, checkpoint) => {
    await mkdir(dir, { recursive: true });
    const path = join(dir, fileName(name));
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify({ position: checkpoint.position.toString(), snapshot: checkpoint.snapshot }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  },
});
