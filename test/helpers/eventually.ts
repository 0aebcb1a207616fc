import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it returns a value, for at most 10 s. */
export async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i += 1) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(50);
  }
  throw new Error('condition not met within 10 s');
}
