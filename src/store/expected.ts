import { LedgerError } from '../domain/errors.js';
import type { ExpectedRevision } from './port.js';

/** Refuses an append whose expected revision does not match the stream's head (undefined: no stream). */
export const checkExpected = (stream: string, expected: ExpectedRevision, head: bigint | undefined): void => {
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' ? head === undefined : expected === 'stream_exists' ? head !== undefined : head === expected);
  if (!matches) {
    const actual = head ?? 'no_stream';
    throw new LedgerError('WRONG_EXPECTED_REVISION', `stream ${stream} is at ${String(actual)}, not ${String(expected)}`, {
      stream,
      expected,
      actual,
    });
  }
};
