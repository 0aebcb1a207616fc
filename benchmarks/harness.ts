/**
 * The one harness every benchmark runs on, so that a figure is evidence and not one noisy sample:
 * each variant runs N times (default 5), the variants interleaved (round 1 of each, then round 2 of
 * each, …, each round rotated one place) so that drift on a shared machine hits all alike, each
 * run in a fresh directory (its store) after a sync, a full GC before each timed section, wall
 * and CPU time (every thread of the process) for each section, and min / median / max per figure. Ratios are medians over medians of the same
 * invocation; a ratio to a ceiling above 1.0 by more than the noise its two figures report is
 * flagged. Formatting and the command line are in harness-cli.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { LedgerError } from '../src/domain/errors.js';
import { redactLedgerSpec } from '../src/store/redact.js';

/** Wall and CPU time; the harness reads both around each timed section. */
export interface Clock {
  /** Monotonic wall time in ms. */
  readonly wallMs: () => number;
  /** CPU time of the process so far in ms, user + system, every thread (the thread pool included). */
  readonly cpuMs: () => number;
  /**
   * Time the main thread's event loop has been busy so far, in ms (event loop utilisation):
   * what a figure bound by that one thread costs it, whatever the worker threads and the rest
   * of the machine do meanwhile.
   */
  readonly mainMs: () => number;
}

export const systemClock: Clock = {
  wallMs: () => performance.now(),
  cpuMs: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  mainMs: () => performance.eventLoopUtilization().active,
};

/** `rate`: units per second (higher is better); `latency`: µs per unit, `duration`: ms per unit (lower is better); `value`: not timed. */
export type FigureKind = 'rate' | 'latency' | 'duration' | 'value';
export type TimedKind = Exclude<FigureKind, 'value'>;

/** One timed section of a run: `count` units of work (events, leaves, proofs) under one figure's name. */
export interface Section<T = unknown> {
  readonly figure: string;
  /** How many units the work did: a number, or read off its result (the events a verify checked). */
  readonly count: number | ((result: T) => number);
  readonly unit: string;
  /** Default `rate`. */
  readonly kind?: TimedKind;
}

/** Handed to timed work: what it runs through `untimed` (making the next chunk of input, a heap reading) is left out of both clocks. */
export interface Stopwatch {
  untimed<T>(f: () => T): T;
}

/** What a variant's run is handed: its round, a fresh directory, and the timer. */
export interface RunContext {
  /** 0-based round: every variant's run k happens in round k. */
  readonly round: number;
  /** A directory made for this run alone (its store goes here), removed after the run. */
  readonly dir: string;
  /** A full GC, then `work` timed on the wall and CPU clocks; recorded as one sample of `section.figure`. */
  time<T>(section: Section<T>, work: (stopwatch: Stopwatch) => T | Promise<T>): Promise<T>;
  /** A figure that is measured, not timed (a proof's size in hashes): one sample of it. */
  note(figure: string, value: number, unit: string): void;
}

export interface Variant {
  readonly name: string;
  readonly run: (ctx: RunContext) => Promise<void>;
}

/**
 * A ratio of two figures' medians; `ceiling`: `to` bounds `of`, so above 1.0 beyond noise is
 * flagged. `basis: 'main thread'`: the ratio of what each costs the main thread a unit, `to`'s
 * over `of`'s (so that, like a ratio of rates, below 1 means `of` costs more).
 */
export interface RatioSpec {
  readonly of: string;
  readonly to: string;
  readonly label?: string;
  readonly ceiling?: boolean;
  readonly basis?: 'median' | 'main thread';
}

export interface Sample {
  readonly round: number;
  readonly variant: string;
  readonly figure: string;
  readonly kind: FigureKind;
  readonly unit: string;
  readonly count: number;
  /** 0 for a `value` figure. */
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The main thread's busy time in the section (0 for a `value` figure). */
  readonly mainMs: number;
  readonly value: number;
}

export interface FigureSummary {
  readonly figure: string;
  readonly kind: FigureKind;
  readonly unit: string;
  readonly samples: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
  /** (max − min) / median: the noise this figure reports. 0 for a single sample, and for a median of 0 (a count of retries). */
  readonly spread: number;
  readonly wallMsMedian: number;
  readonly cpuMsMedian: number;
  /** Median main-thread busy ms per unit of work, and its spread like the figure's. */
  readonly mainMsPerUnit: number;
  readonly mainSpread: number;
  /**
   * A distribution-free interval of about 95% around the median (medianInterval), and its half
   * width relative to the median: how well the runs pin the median down.
   */
  readonly interval: readonly [number, number];
  readonly precision: number;
}

export interface RatioSummary {
  readonly label: string;
  readonly of: string;
  readonly to: string;
  readonly ratio: number;
  /** spread(of) + spread(to): how far the ratio of medians can move on this noise. */
  readonly noise: number;
  readonly basis: 'median' | 'main thread';
  readonly ceiling: boolean;
  /** A ceiling ratio above 1 + noise: the figure beat what bounds it, so something is mismeasured. */
  readonly aboveCeiling: boolean;
}

export interface Machine {
  readonly node: string;
  readonly platform: string;
  readonly release: string;
  readonly arch: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly totalMemGiB: number;
  readonly uvThreadpoolSize: string;
  readonly loadavgStart: readonly number[];
  readonly loadavgEnd: readonly number[];
}

export interface BenchResult {
  readonly benchmark: string;
  readonly description: string;
  readonly command: readonly string[];
  readonly startedAt: string;
  /** Rounds run: `minRuns` at least, more (up to `maxRuns`) while a median was less precise than `precision`. */
  readonly runs: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  readonly precision: number;
  readonly quick: boolean;
  /** Present when each run had a process of its own. */
  readonly isolation?: 'process';
  readonly machine: Machine;
  readonly samples: readonly Sample[];
  readonly figures: readonly FigureSummary[];
  readonly ratios: readonly RatioSummary[];
}

/** What the harness needs from the world; tests hand in fakes. */
export interface HarnessDeps {
  readonly clock: Clock;
  readonly gc: () => void;
  readonly loadavg: () => readonly number[];
  readonly now: () => Date;
  readonly makeDir: () => string;
  readonly removeDir: (dir: string) => void;
  /** Before each run, outside its timing: the OS writes out what earlier runs left dirty (sync), so no run pays for another's writes. */
  readonly settle: () => void;
  /**
   * Runs one variant once in a process of its own and hands back its samples (for a spec with
   * `isolation: 'process'`); absent, every run happens in this process.
   */
  readonly runIsolated?: (variant: string, round: number) => Promise<readonly Sample[]>;
}

export interface BenchSpec {
  readonly benchmark: string;
  readonly description: string;
  readonly variants: readonly Variant[];
  readonly ratios?: readonly RatioSpec[];
  readonly runs: number;
  /**
   * More rounds, up to this many, while any timed figure's median is known less well than
   * `precision` (the interval's half width relative to the median); default `runs`: exactly that many.
   */
  readonly maxRuns?: number;
  /** Default 0.05: a median within ±5%. */
  readonly precision?: number;
  readonly quick: boolean;
  /**
   * `process`: each run in a fresh process (deps.runIsolated), so that what one process happens to
   * get (how V8 compiled its hot code, where its heap and threads landed) is one sample's luck, which
   * the median of the runs sees past, not a bias shared by every run of the invocation.
   */
  readonly isolation?: 'process';
}

/** The GC node exposes under --expose-gc; without it a timed section would pay for earlier garbage. */
export const exposedGc = (): (() => void) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    throw new LedgerError('INVALID_INPUT', 'the benchmark needs a full GC before each timed section: run node with --expose-gc (the npm bench:* scripts do)');
  }
  return () => gc();
};

/** Set in a run's own process: which variant and round it runs (JSON), and the file its samples go to. */
export const CHILD_ENV = 'PL_BENCH_RUN';
export const CHILD_OUT_ENV = 'PL_BENCH_RUN_OUT';

/** The run in a fresh process: this script again, with its node flags and arguments, told by CHILD_ENV which run is its. */
const runInChild = (variant: string, round: number): Promise<readonly Sample[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'pl-bench-run-'));
  const out = join(dir, 'samples.json');
  return new Promise<readonly Sample[]>((resolve, reject) => {
    const args = [...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
    execFile(process.execPath, args, { env: { ...process.env, [CHILD_ENV]: JSON.stringify({ variant, round }), [CHILD_OUT_ENV]: out }, maxBuffer: 16 * 2 ** 20 }, (error, _stdout, stderr) => {
      try {
        if (error !== null) throw new LedgerError('INVALID_INPUT', `the process running "${variant}" (round ${round}) failed: ${String(stderr).trim() || error.message}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as Sample[]);
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
};

/** Which run this process is, when a parent started it for one (CHILD_ENV), and where its samples go. */
export const childRun = (): { readonly variant: string; readonly round: number; readonly out: string } | undefined => {
  const spec = process.env[CHILD_ENV];
  if (spec === undefined) return undefined;
  const { variant, round } = JSON.parse(spec) as { variant: string; round: number };
  const out = process.env[CHILD_OUT_ENV];
  if (typeof variant !== 'string' || !Number.isSafeInteger(round) || out === undefined) throw new LedgerError('INVALID_INPUT', `${CHILD_ENV} must name a variant and a round, and ${CHILD_OUT_ENV} a file: got ${spec}`);
  return { variant, round, out };
};

export const systemDeps = (): HarnessDeps => ({
  runIsolated: runInChild,
  clock: systemClock,
  gc: exposedGc(),
  loadavg: () => loadavg(),
  now: () => new Date(),
  makeDir: () => mkdtempSync(join(tmpdir(), 'pl-bench-')),
  removeDir: (dir) => rmSync(dir, { recursive: true, force: true }),
  settle: () => {
    if (process.platform !== 'win32') execFileSync('sync');
  },
});

export const machineOf = (loadavgStart: readonly number[], loadavgEnd: readonly number[]): Machine => ({
  node: process.version,
  platform: process.platform,
  release: release(),
  arch: process.arch,
  cores: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
  loadavgStart: [...loadavgStart],
  loadavgEnd: [...loadavgEnd],
});

/** The median; for an even count the mean of the two middle values. */
export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) throw new LedgerError('INVALID_INPUT', 'the median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * The order statistics around the median that hold it with about 95% confidence whatever the
 * distribution (the binomial's normal approximation): for 5 to 9 samples the whole range, for 15
 * the 3rd to the 13th.
 */
export const medianInterval = (xs: readonly number[]): [number, number] => {
  if (xs.length === 0) throw new LedgerError('INVALID_INPUT', 'the median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const reach = 0.98 * Math.sqrt(n);
  const lo = Math.max(1, Math.floor(n / 2 - reach));
  const hi = Math.min(n, Math.ceil(1 + n / 2 + reach));
  return [s[lo - 1]!, s[hi - 1]!];
};

const valueOf = (kind: TimedKind, count: number, wallMs: number): number =>
  kind === 'rate' ? (count / wallMs) * 1000 : kind === 'latency' ? (wallMs * 1000) / count : wallMs / count;

const UNIT: Record<TimedKind, (unit: string) => string> = { rate: (u) => `${u}/s`, latency: (u) => `µs/${u}`, duration: (u) => `ms/${u}` };

/** Wall and CPU time spent in `untimed` calls, to be taken off the section's. */
const pausable = (clock: Clock) => {
  const paused = { wallMs: 0, cpuMs: 0 };
  const stopwatch: Stopwatch = {
    untimed(f) {
      const [c0, w0] = [clock.cpuMs(), clock.wallMs()];
      try {
        return f();
      } finally {
        paused.wallMs += clock.wallMs() - w0;
        paused.cpuMs += clock.cpuMs() - c0;
      }
    },
  };
  return { paused, stopwatch };
};

const countOf = <T>(s: Section<T>, result: T): number => {
  const count = typeof s.count === 'function' ? s.count(result) : s.count;
  if (!(Number.isFinite(count) && count > 0)) throw new LedgerError('INVALID_INPUT', `figure "${s.figure}": count must be a positive number, got ${count}`);
  return count;
};

/** Runs one variant once in a fresh directory; its samples, in the order its sections ran. */
export const runOnce = async (variant: Variant, round: number, deps: HarnessDeps): Promise<Sample[]> => {
  const samples: Sample[] = [];
  deps.settle();
  const dir = deps.makeDir();
  const ctx: RunContext = {
    round,
    dir,
    async time(section, work) {
      const kind = section.kind ?? 'rate';
      const { paused, stopwatch } = pausable(deps.clock);
      deps.gc();
      const [cpu0, main0, wall0] = [deps.clock.cpuMs(), deps.clock.mainMs(), deps.clock.wallMs()];
      const result = await work(stopwatch);
      const [wall1, main1, cpu1] = [deps.clock.wallMs(), deps.clock.mainMs(), deps.clock.cpuMs()];
      const wallMs = wall1 - wall0 - paused.wallMs;
      const cpuMs = cpu1 - cpu0 - paused.cpuMs;
      const mainMs = Math.max(0, main1 - main0 - paused.wallMs);
      const count = countOf(section, result);
      if (!(wallMs > 0)) throw new LedgerError('INVALID_INPUT', `figure "${section.figure}": the wall clock did not advance (${wallMs} ms)`);
      samples.push({ round, variant: variant.name, figure: section.figure, kind, unit: UNIT[kind](section.unit), count, wallMs, cpuMs, mainMs, value: valueOf(kind, count, wallMs) });
      return result;
    },
    note(figure, value, unit) {
      samples.push({ round, variant: variant.name, figure, kind: 'value', unit, count: 1, wallMs: 0, cpuMs: 0, mainMs: 0, value });
    },
  };
  try {
    await variant.run(ctx);
  } finally {
    deps.removeDir(dir);
  }
  return samples;
};

/** Figures in the order they first appeared; a figure's samples must all be of one kind, unit and variant. */
export const summarise = (samples: readonly Sample[]): FigureSummary[] => {
  const byFigure = new Map<string, Sample[]>();
  for (const s of samples) {
    const group = byFigure.get(s.figure);
    if (group === undefined) byFigure.set(s.figure, [s]);
    else {
      const first = group[0]!;
      if (first.variant !== s.variant || first.unit !== s.unit || first.kind !== s.kind) {
        throw new LedgerError('INVALID_INPUT', `figure "${s.figure}" is recorded by "${first.variant}" (${first.unit}) and "${s.variant}" (${s.unit}): one figure, one variant and unit`);
      }
      group.push(s);
    }
  }
  return [...byFigure].map(([figure, group]) => {
    const values = group.map((s) => s.value);
    const med = median(values);
    const [min, max] = [Math.min(...values), Math.max(...values)];
    const mains = group.map((s) => s.mainMs / s.count);
    const mainMed = median(mains);
    const interval = medianInterval(values);
    return {
      figure,
      kind: group[0]!.kind,
      unit: group[0]!.unit,
      samples: group.length,
      min,
      median: med,
      max,
      spread: med === 0 ? 0 : (max - min) / Math.abs(med),
      wallMsMedian: median(group.map((s) => s.wallMs)),
      cpuMsMedian: median(group.map((s) => s.cpuMs)),
      mainMsPerUnit: mainMed,
      mainSpread: mainMed === 0 ? 0 : (Math.max(...mains) - Math.min(...mains)) / mainMed,
      interval,
      precision: med === 0 ? 0 : (interval[1] - interval[0]) / 2 / Math.abs(med),
    };
  });
};

/** Ratios of medians; a ratio naming a figure the run did not produce is an error, not a blank. */
export const ratiosOf = (figures: readonly FigureSummary[], specs: readonly RatioSpec[]): RatioSummary[] =>
  specs.map((spec) => {
    const find = (name: string) => {
      const f = figures.find((x) => x.figure === name);
      if (f === undefined) throw new LedgerError('INVALID_INPUT', `ratio "${spec.label ?? `${spec.of} / ${spec.to}`}" names figure "${name}", which no variant recorded`);
      return f;
    };
    const [of, to] = [find(spec.of), find(spec.to)];
    const ceiling = spec.ceiling === true;
    if (ceiling && (of.kind !== 'rate' || to.kind !== 'rate')) {
      throw new LedgerError('INVALID_INPUT', `ceiling ratio "${spec.of} / ${spec.to}": both figures must be rates`);
    }
    const basis = spec.basis ?? 'median';
    if (basis === 'main thread' && (of.kind === 'value' || to.kind === 'value' || of.mainMsPerUnit === 0)) {
      throw new LedgerError('INVALID_INPUT', `main-thread ratio "${spec.of} / ${spec.to}": both figures must be timed, with main-thread time`);
    }
    const ratio = basis === 'median' ? of.median / to.median : to.mainMsPerUnit / of.mainMsPerUnit;
    const noise = basis === 'median' ? of.spread + to.spread : of.mainSpread + to.mainSpread;
    return { label: spec.label ?? `${spec.of} / ${spec.to}`, of: spec.of, to: spec.to, ratio, noise, basis, ceiling, aboveCeiling: ceiling && ratio - 1 > noise };
  });

/**
 * The order of the variants in `round`: all of them, each round starting one further along, so
 * that no variant always runs right after the same neighbour (whose dirty pages or warm caches
 * it would inherit) or always first.
 */
export const roundOrder = <T>(variants: readonly T[], round: number): T[] => variants.map((_, i) => variants[(i + round) % variants.length]!);

/**
 * Runs every variant `runs` times (1 when quick), interleaved by round and rotated (roundOrder),
 * then more rounds, up to `maxRuns`, while any timed figure's median is less precise than
 * `precision`; and sums the samples up.
 */
export const runBench = async (spec: BenchSpec, deps: HarnessDeps, command: readonly string[] = process.argv.slice(1)): Promise<BenchResult> => {
  const minRuns = spec.quick ? 1 : spec.runs;
  if (!Number.isSafeInteger(minRuns) || minRuns < 1) throw new LedgerError('INVALID_INPUT', `runs must be a whole number >= 1, got ${spec.runs}`);
  const maxRuns = spec.quick ? 1 : (spec.maxRuns ?? minRuns);
  if (!Number.isSafeInteger(maxRuns) || maxRuns < minRuns) throw new LedgerError('INVALID_INPUT', `max runs must be a whole number >= runs (${minRuns}), got ${spec.maxRuns}`);
  const precision = spec.precision ?? 0.05;
  if (!(precision > 0)) throw new LedgerError('INVALID_INPUT', `precision must be above 0, got ${spec.precision}`);
  const names = spec.variants.map((v) => v.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new LedgerError('INVALID_INPUT', `two variants are named "${twice}"`);
  const loadavgStart = deps.loadavg();
  const startedAt = deps.now().toISOString();
  const samples: Sample[] = [];
  const isolated = spec.isolation === 'process' ? deps.runIsolated : undefined;
  /** Whether every timed figure's median is pinned down to `precision`. */
  const precise = (): boolean => summarise(samples).every((f) => f.kind === 'value' || f.precision <= precision);
  let runs = 0;
  for (let round = 0; round < maxRuns && (round < minRuns || !precise()); round++) {
    runs = round + 1;
    for (const variant of roundOrder(spec.variants, round)) {
      if (isolated === undefined) {
        samples.push(...(await runOnce(variant, round, deps)));
        continue;
      }
      const got = await isolated(variant.name, round);
      const stray = got.find((x) => x.variant !== variant.name || x.round !== round);
      if (stray !== undefined) throw new LedgerError('INVALID_INPUT', `the process that ran "${variant.name}" (round ${round}) sent back a sample of "${stray.variant}" (round ${stray.round})`);
      samples.push(...got);
    }
  }
  const figures = summarise(samples);
  return {
    benchmark: spec.benchmark,
    description: spec.description,
    // A --ledger connection string may carry a password: never printed, never written to --json.
    command: command.map(redactLedgerSpec),
    startedAt,
    runs,
    minRuns,
    maxRuns,
    precision,
    quick: spec.quick,
    ...(isolated === undefined ? {} : { isolation: 'process' as const }),
    machine: machineOf(loadavgStart, deps.loadavg()),
    samples,
    figures,
    ratios: ratiosOf(figures, spec.ratios ?? []),
  };
};
