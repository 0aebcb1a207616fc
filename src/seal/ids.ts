import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// uuid asks the OS for 16 random bytes per id; one call for 256 ids is a measurable saving when sealing.
const POOL = 16 * 256;
const pool = Buffer.alloc(POOL);
let offset = POOL;

const random16 = (): Uint8Array => {
  if (offset >= POOL) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + 16);
  offset += 16;
  return bytes;
};

/** A fresh UUID v7 event id: time-ordered, so ids index well in every store. */
export const newEventId = (): string => uuidv7({ random: random16() });
