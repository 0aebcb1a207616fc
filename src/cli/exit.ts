import { isLedgerError } from '../domain/errors.js';

/** The exit codes every command documents: scripts switch on them. */
export const EXIT = {
  ok: 0,
  /** A usage or input error: a bad option, a missing file, a bad line, a ledger that does not exist. */
  usage: 1,
  violations: 2,
  integrity: 3,
  /** The store could not be reached: try again later, nothing is wrong with the command. */
  unreachable: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code of an error a command ended with. */
export const exitCodeOf = (e: unknown): ExitCode => (isLedgerError(e, 'STORE_UNAVAILABLE') ? EXIT.unreachable : EXIT.usage);

/** The code for a finished report: integrity findings outrank violations, since they make the verdicts unprovable. */
export const verdictExit = (findings: number, violations: number): ExitCode =>
  findings > 0 ? EXIT.integrity : violations > 0 ? EXIT.violations : EXIT.ok;
