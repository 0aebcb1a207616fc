import { LedgerError, isLedgerError } from '../domain/errors.js';
import type { Fact } from '../domain/facts.js';
import type { ComplianceState } from '../projection/compliance-state.js';
import type { CheckResult } from '../projection/compliance-types.js';
import { checkFact } from '../projection/queries.js';
import type { EventStore } from '../store/port.js';
import type { AppendControl, Pending, Recorded } from './append.js';
import { readHead } from './heads.js';

/** What `recordIfLawful` did: the verdict, and what it recorded when that verdict was lawful. */
export interface LawfulRecord {
  readonly verdict: CheckResult;
  /** Absent when the verdict was a violation: then nothing was recorded. */
  readonly recorded?: Recorded;
}

export interface RecordIfLawfulDeps {
  readonly store: EventStore;
  /** The ledger's per-stream lock, the one record() takes. */
  readonly locked: <T>(stream: string, work: () => Promise<T>) => Promise<T>;
  /** The live view, caught up to the end of the store. */
  readonly currentView: () => Promise<ComplianceState>;
  readonly appendJudged: (pending: Pending[], control: AppendControl) => Promise<Recorded[]>;
  readonly maxRetries: number;
  /** The ledger's clock: "now" for the verdict. */
  readonly clock: () => Date;
}

/**
 * Checks a fact and records it only if lawful, as one step: under the stream's lock, the
 * verdict is judged on a view that holds the stream's head, and the append expects exactly
 * that head. A writer in another process that gets in between makes the append fail, and the
 * fact is judged again on what that writer recorded: no use can slip past a withdrawal or an
 * erasure recorded between the check and the record.
 */
export const recordIfLawfulWith =
  ({ store, locked, currentView, appendJudged, maxRetries, clock }: RecordIfLawfulDeps) =>
  async (p: Pending): Promise<LawfulRecord> => {
    const fact = (p.explicit ? { ...p.fact, id: p.id } : p.fact) as Fact;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const outcome = await locked(p.stream, async (): Promise<LawfulRecord | undefined> => {
        // The head first, the view after: the view then holds at least everything up to that head.
        const head = await readHead(store, p.stream);
        const now = clock();
        const verdict = checkFact(await currentView(), fact, now, now);
        if (verdict.verdict !== 'ok') return { verdict };
        try {
          const [recorded] = await appendJudged([p], { heads: new Map([[p.stream, head]]), retry: false });
          return { verdict: recorded!.verdict ?? verdict, recorded: recorded! };
        } catch (e) {
          if (isLedgerError(e, 'WRONG_EXPECTED_REVISION')) return undefined;
          throw e;
        }
      });
      if (outcome) return outcome;
    }
    throw new LedgerError('CONFLICT_RETRIES_EXHAUSTED', `gave up recording into "${p.stream}": other writers kept changing it between check and record (${maxRetries + 1} attempts)`, {
      stream: p.stream,
    });
  };
