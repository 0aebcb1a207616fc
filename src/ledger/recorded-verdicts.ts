import type { Fact } from '../domain/facts.js';
import type { Envelope } from '../seal/envelope.js';
import type { ComplianceState } from '../projection/compliance-state.js';
import type { CheckResult } from '../projection/compliance-types.js';
import { checkFact } from '../projection/queries.js';

/**
 * The verdicts of facts a record() call appends, taken by the live view as it folds them in:
 * each judged on the state just before it, i.e. on everything before it in the log, by
 * whichever caller happens to catch the view up. Ids are awaited before the append, so a
 * view caught up by another call in between still judges them.
 */
export interface RecordedVerdicts {
  /** Starts watching for these event ids (lower case or not). */
  expect(ids: readonly string[]): void;
  /** Called by the view before it applies `env`. */
  beforeApply(state: ComplianceState, env: Envelope): void;
  /** The verdict of `id` once the view has passed it, and forgets it; undefined when it never came (a duplicate). */
  take(id: string): CheckResult | undefined;
  /** Stops watching ids that will not come (the append failed). */
  forget(ids: readonly string[]): void;
}

export const recordedVerdicts = (): RecordedVerdicts => {
  const watched = new Map<string, CheckResult | null>();
  return {
    expect(ids) {
      for (const id of ids) watched.set(id.toLowerCase(), null);
    },
    beforeApply(state, env) {
      if (watched.size === 0) return;
      const key = env.id.toLowerCase();
      if (watched.get(key) !== null) return;
      // Judged as of when it was recorded: a notice not yet due then is pending, not a violation.
      watched.set(key, checkFact(state, { ...env.fact, id: env.id } as Fact, env.recordedAt, env.recordedAt));
    },
    take(id) {
      const key = id.toLowerCase();
      const v = watched.get(key);
      watched.delete(key);
      return v ?? undefined;
    },
    forget(ids) {
      for (const id of ids) watched.delete(id.toLowerCase());
    },
  };
};
