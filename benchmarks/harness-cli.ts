/**
 * The harness's command line and output: `--runs N` (default 5), `--quick` (one pass while
 * developing), `--json FILE` (every sample and the machine, to compare two runs), `--in-process`
 * (no run in a process of its own), and the table every benchmark prints.
 */
import { writeFileSync } from 'node:fs';
import { LedgerError } from '../src/domain/errors.js';
import { childRun, runBench, runOnce, systemDeps, type BenchResult, type BenchSpec, type FigureSummary, type HarnessDeps, type RatioSummary } from './harness.js';

/** Options every benchmark takes, spread into its own parseArgs options. */
export const HARNESS_OPTIONS = {
  runs: { type: 'string', default: '5' },
  quick: { type: 'boolean', default: false },
  json: { type: 'string' },
  'in-process': { type: 'boolean', default: false },
  'max-runs': { type: 'string' },
  precision: { type: 'string' },
} as const;

export interface HarnessArgs {
  readonly runs: number;
  readonly quick: boolean;
  readonly json?: string;
  /** Every run in this process, also for a benchmark that runs each in its own (while debugging one). */
  readonly inProcess?: boolean;
  /** Rounds beyond `runs`, up to this many, while a median is less precise than `precision` (BenchSpec). */
  readonly maxRuns?: number;
  readonly precision?: number;
}

export const harnessArgs = (values: { runs?: string; quick?: boolean; json?: string; 'in-process'?: boolean; 'max-runs'?: string; precision?: string }): HarnessArgs => {
  const runs = Number(values.runs ?? '5');
  if (!Number.isSafeInteger(runs) || runs < 1) throw new LedgerError('INVALID_INPUT', `--runs must be a whole number >= 1, got "${values.runs}"`);
  if (values.json === '') throw new LedgerError('INVALID_INPUT', '--json needs a file name');
  const maxRuns = values['max-runs'] === undefined ? undefined : Number(values['max-runs']);
  if (maxRuns !== undefined && !(Number.isSafeInteger(maxRuns) && maxRuns >= runs)) throw new LedgerError('INVALID_INPUT', `--max-runs must be a whole number >= --runs (${runs}), got "${values['max-runs']}"`);
  const precision = values.precision === undefined ? undefined : Number(values.precision.replace(/%$/, '')) / (values.precision.endsWith('%') ? 100 : 1);
  if (precision !== undefined && !(precision > 0 && precision < 1)) throw new LedgerError('INVALID_INPUT', `--precision must be a fraction or a percentage between 0 and 1 (0.05, 5%), got "${values.precision}"`);
  return {
    runs,
    quick: values.quick === true,
    ...(values.json === undefined ? {} : { json: values.json }),
    ...(values['in-process'] === true ? { inProcess: true } : {}),
    ...(maxRuns === undefined ? {} : { maxRuns }),
    ...(precision === undefined ? {} : { precision }),
  };
};

/** The JSON written by --json: the result as it is, under a format name a comparing script can check. */
export const JSON_FORMAT = 'privacy-ledger-bench/1';
export const resultJson = (r: BenchResult): string => JSON.stringify({ format: JSON_FORMAT, ...r }, null, 2) + '\n';

const num = (x: number): string => {
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(a >= 1 ? 2 : 3);
};
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const loads = (xs: readonly number[]): string => xs.map((x) => x.toFixed(2)).join(' ');

const figureLine = (f: FigureSummary, width: number): string => {
  const range = f.samples === 1 ? '(one sample)' : `${num(f.min)} – ${num(f.max)}`;
  const cpu = f.kind === 'value' || f.wallMsMedian === 0 ? '' : `  wall ${num(f.wallMsMedian)} ms, CPU ${num(f.cpuMsMedian)} ms (${(f.cpuMsMedian / f.wallMsMedian).toFixed(2)} cores), main thread ${num(f.mainMsPerUnit * 1000)} µs a unit`;
  const within = f.samples === 1 || f.kind === 'value' ? '' : ` (median ±${pct(f.precision)})`;
  return `  ${f.figure.padEnd(width)} ${num(f.median).padStart(10)} ${f.unit.padEnd(10)} ${range.padEnd(22)} spread ${pct(f.spread).padStart(6)}${within}${cpu}`;
};

const ratioLine = (r: RatioSummary, width: number): string => {
  const flag = r.aboveCeiling ? `  ABOVE ITS CEILING by ${pct(r.ratio - 1)}, more than the noise ${pct(r.noise)}: one of the two is mismeasured` : '';
  const basis = r.basis === 'main thread' ? ', main-thread time a unit' : '';
  return `  ${r.label.padEnd(width)} ${r.ratio.toFixed(3).padStart(7)}x  (noise ${pct(r.noise)}${basis})${flag}`;
};

/** How many runs, and why that many: `runs`, or between `minRuns` and `maxRuns` until every median was precise enough. */
export const runsText = (r: BenchResult): string =>
  r.maxRuns === r.minRuns
    ? `${r.runs} runs of each variant`
    : `${r.runs} runs of each variant (${r.minRuns} to ${r.maxRuns}: until every median was known within ±${pct(r.precision)}, its ~95% interval${r.runs === r.maxRuns && r.figures.some((f) => f.kind !== 'value' && f.precision > r.precision) ? ', which not all were' : ''})`;

/** The table: the machine and load, each figure's median with min – max, then the ratios of medians. */
export const formatResult = (r: BenchResult): string => {
  const m = r.machine;
  const width = Math.max(20, ...r.figures.map((f) => f.figure.length));
  const rwidth = Math.max(20, ...r.ratios.map((x) => x.label.length));
  const lines = [
    `${r.benchmark}: ${r.description}`,
    `machine: node ${m.node}, ${m.cores} cores (${m.cpuModel}), UV_THREADPOOL_SIZE=${m.uvThreadpoolSize}; load average ${loads(m.loadavgStart)} at start, ${loads(m.loadavgEnd)} at end`,
    `${r.quick ? 'one pass (--quick): no spread, so no figure here is evidence' : `${runsText(r)}, interleaved; median, min – max, spread = (max − min) / median`}; ${r.isolation === 'process' ? 'each run in a fresh process; ' : ''}a full GC before each timed section; CPU is every thread of the run's process`,
    `command: ${r.command.join(' ')}`,
    '',
    ...r.figures.map((f) => figureLine(f, width)),
  ];
  if (r.ratios.length > 0) lines.push('', 'ratios of medians (noise = the two figures\' spreads added)', ...r.ratios.map((x) => ratioLine(x, rwidth)));
  const above = r.ratios.filter((x) => x.aboveCeiling);
  if (above.length > 0) lines.push('', `WARNING: ${above.length} figure(s) above their ceiling beyond the noise: ${above.map((x) => x.label).join('; ')}`);
  return lines.join('\n');
};

/** Runs a benchmark on the real machine, prints its table, and writes --json if asked. */
export const runAndReport = async (spec: Omit<BenchSpec, 'runs' | 'quick'>, args: HarnessArgs, deps: HarnessDeps = systemDeps()): Promise<BenchResult> => {
  const child = childRun();
  if (child !== undefined) {
    // One run for a parent that runs each in a process of its own: its samples to the file, and done.
    const variant = spec.variants.find((v) => v.name === child.variant);
    if (variant === undefined) throw new LedgerError('INVALID_INPUT', `no variant "${child.variant}" in ${spec.benchmark}`);
    writeFileSync(child.out, JSON.stringify(await runOnce(variant, child.round, deps)));
    process.exit(0);
  }
  const { isolation, ...rest } = spec;
  const maxRuns = args.maxRuns ?? (spec.maxRuns === undefined ? undefined : Math.max(spec.maxRuns, args.runs));
  const precision = args.precision ?? spec.precision;
  const result = await runBench(
    {
      ...rest,
      ...(isolation === undefined || args.inProcess === true ? {} : { isolation }),
      ...(maxRuns === undefined ? {} : { maxRuns }),
      ...(precision === undefined ? {} : { precision }),
      runs: args.runs,
      quick: args.quick,
    },
    deps,
  );
  console.log(formatResult(result));
  if (args.json !== undefined) {
    writeFileSync(args.json, resultJson(result));
    console.log(`\nsamples written to ${args.json}`);
  }
  return result;
};
