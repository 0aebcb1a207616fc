/** A clock a test sets by hand, so facts are recorded "as they happen" on the test's own timeline. */
export interface ManualClock {
  readonly now: () => Date;
  /** Moves the clock to an ISO instant (or ms). */
  set(at: string | number): void;
}

export const manualClock = (start: string | number = '2026-03-01T00:00:00Z'): ManualClock => {
  let ms = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => new Date(ms),
    set(at) {
      ms = typeof at === 'number' ? at : Date.parse(at);
    },
  };
};
