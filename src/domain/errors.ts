/** Every error the library raises, by a closed set of codes a caller can switch on. */
export type LedgerErrorCode =
  | 'INVALID_FACT' // a fact failed its codec; details.errors names each field
  | 'INVALID_INPUT' // a file or argument the caller handed us is unusable
  | 'WRONG_EXPECTED_REVISION' // optimistic concurrency: the stream moved on
  | 'DUPLICATE_EVENT_ID' // an event id is already stored, in another place than this append
  | 'CONFLICT_RETRIES_EXHAUSTED' // record() kept losing races
  | 'EVENT_NOT_FOUND' // no event of the ledger has that id
  | 'LEDGER_NOT_FOUND' // a reader named a ledger that does not exist (only writers create one)
  | 'STORE_UNAVAILABLE' // the store could not be reached or failed mid-operation
  | 'STORE_CORRUPT' // the store returned something that is not an envelope we wrote
  | 'KEY_INVALID' // a key file or key bytes are malformed
  | 'SIGNER_MISMATCH' // a secret key does not match the public key it claims
  | 'INTEGRITY' // verification found findings where the caller required none
  | 'CHECKPOINT_FAILED' // an automatic checkpoint failed; details.cause is its code; the call that hears of it recorded nothing
  | 'NO_CHECKPOINT' // a proof needs a signed checkpoint that covers the event, and there is none
  | 'CLOSED'; // the ledger or store was used after close()

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const isLedgerError = (e: unknown, code?: LedgerErrorCode): e is LedgerError =>
  e instanceof LedgerError && (code === undefined || e.code === code);
