import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sealLines } from './seal-lines.js';

// Plain CommonJS so it runs as an eval'd worker from both the built package and the TS sources under test.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const privateKeys = new Map();
const publicKeys = new Map();
const privateKey = (seed) => {
  let k = privateKeys.get(seed);
  if (!k) privateKeys.set(seed, (k = crypto.createPrivateKey({ key: Buffer.concat([PKCS8, Buffer.from(seed, 'hex')]), format: 'der', type: 'pkcs8' })));
  return k;
};
const publicKey = (raw) => {
  const hex = Buffer.from(raw).toString('hex');
  let k = publicKeys.get(hex);
  if (!k) publicKeys.set(hex, (k = crypto.createPublicKey({ key: Buffer.concat([SPKI, raw]), format: 'der', type: 'spki' })));
  return k;
};
const sealLines = ${sealLines.toString()};
parentPort.on('message', ({ id, op, seed, items, keys }) => {
  try {
    const result = op === 'sign'
      ? items.map((m) => crypto.sign(null, m, privateKey(seed)))
      : op === 'seal'
        ? sealLines(crypto, keys, items)
        : items.map(([m, s, p]) => s.length === 64 && p.length === 32 && crypto.verify(null, m, publicKey(p), s));
    parentPort.postMessage({ id, result });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});
`;

interface Job {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
}

/**
 * Ed25519 and AES-256-GCM on worker threads, a batch a message: node:crypto's async one-shot
 * costs ~18 µs of main-thread time per call and a cipher's setup ~5 µs, a batch posted to a
 * worker well under 1 µs per item, so the main thread stays free for hashing and storage while
 * every core signs, verifies or seals.
 */
/** Ed25519 signing and verification, and the sealing of personal fields, in batches on worker threads. */
export interface CryptoPool {
  /** Signs each message with the key of this 32-byte seed (hex). */
  sign(seedHex: string, messages: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /** Whether each signature is valid for its message and public key; false for a signature or key of the wrong length. */
  verify(items: readonly (readonly [message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array])[]): Promise<boolean[]>;
  /**
   * seal-lines.ts's sealLines on a worker: `keys` are data keys (32 bytes each), `lines` as it
   * takes them. The keys are copied to the worker for this job only; it keeps none of them.
   */
  seal(keys: readonly Uint8Array[], lines: string): Promise<string>;
  /** Ends the workers. */
  close(): Promise<void>;
}

export const cryptoPool = (size = Math.max(1, availableParallelism())): CryptoPool => {
  const workers: PoolWorker[] = [];
  let nextId = 0;

  const spawn = (): PoolWorker => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const w: PoolWorker = { worker, jobs: new Map() };
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const job = w.jobs.get(id);
      w.jobs.delete(id);
      if (w.jobs.size === 0) worker.unref();
      if (error !== undefined) job?.reject(new Error(`crypto worker: ${error}`));
      else job?.resolve(result!);
    });
    worker.on('error', (e) => {
      for (const job of w.jobs.values()) job.reject(e);
      w.jobs.clear();
      workers.splice(workers.indexOf(w), 1);
    });
    worker.unref();
    return w;
  };

  const run = <T>(op: 'sign' | 'verify' | 'seal', items: unknown, extra: { seed?: string; keys?: readonly Uint8Array[] } = {}): Promise<T> => {
    while (workers.length < size) workers.push(spawn());
    const w = workers.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      w.jobs.set(id, { resolve: resolve as (r: unknown) => void, reject });
      // Held while a job is pending, so the process cannot exit under a waiting caller.
      w.worker.ref();
      w.worker.postMessage({ id, op, items, ...extra });
    });
  };

  return {
    sign: async (seedHex, messages) => (messages.length === 0 ? [] : run<Uint8Array[]>('sign', [...messages], { seed: seedHex })),
    verify: async (items) => (items.length === 0 ? [] : run<boolean[]>('verify', [...items])),
    seal: (keys, lines) => run<string>('seal', lines, { keys }),
    async close() {
      await Promise.all(workers.splice(0).map((w) => w.worker.terminate()));
    },
  };
};

let shared: CryptoPool | undefined;
/** The process-wide pool, started on first use; its idle workers never keep the process alive. */
export const sharedCryptoPool = (): CryptoPool => (shared ??= cryptoPool());
