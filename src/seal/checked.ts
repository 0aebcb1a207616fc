/** The outcome of checking untrusted data: a value, or the reason it was refused. */
export interface Accepted<T> {
  readonly ok: true;
  readonly value: T;
}
export interface Refused {
  readonly ok: false;
  readonly reason: string;
}
export type Checked<T> = Accepted<T> | Refused;

/** A proof check has no value to hand back: it holds, or it fails for a reason. */
export interface Holds {
  readonly ok: true;
}
export type ProofCheck = Holds | Refused;

export const accept = <T>(value: T): Accepted<T> => ({ ok: true, value });
export const refuse = (reason: string): Refused => ({ ok: false, reason });
export const HOLDS: Holds = Object.freeze({ ok: true });
