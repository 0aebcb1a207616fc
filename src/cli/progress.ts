/** Where progress goes: stderr by default; a test hands in its own. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** How much work there is, when known: the line then shows a percentage and an ETA. */
  readonly total?: number;
  readonly stream?: ProgressStream;
  /** Milliseconds now; a test hands in its own clock. */
  readonly now?: () => number;
}

export interface Progress {
  update(done: number): void;
  done(): void;
}

const n = (x: number) => x.toLocaleString('en-US');
const duration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

/** The progress line: `imported 2,000 of 10,000 (20%), about 8s left`. */
export const progressLine = (label: string, done: number, elapsedMs: number, total?: number): string => {
  if (total === undefined || total <= 0) return `${label} ${n(done)}…`;
  const pct = Math.min(100, Math.floor((done / total) * 100));
  const eta = done > 0 && elapsedMs > 0 ? `, about ${duration((elapsedMs / done) * Math.max(0, total - done))} left` : '';
  return `${label} ${n(done)} of ${n(total)} (${pct}%)${eta}`;
};

/** Progress on stderr, only when a person is watching it (a terminal): piped output and logs stay clean. */
export const progress = (label: string, options: ProgressOptions = {}): Progress => {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const start = now();
  let last = 0;
  return {
    update(done: number) {
      if (!tty) return;
      const t = now();
      if (t - last < 200) return;
      last = t;
      stream.write(`\r\x1b[K${progressLine(label, done, t - start, options.total)}`);
    },
    done() {
      if (tty && last > 0) stream.write('\r\x1b[K');
    },
  };
};

/** The total of a replay, when the store can count its events cheaply. */
export const totalOf = async (store: { count?(): Promise<number> }): Promise<ProgressOptions> => (store.count ? { total: await store.count() } : {});
