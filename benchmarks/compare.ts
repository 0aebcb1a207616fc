/**
 * Compares two runs of one benchmark from their --json files: each figure's median in both, how
 * far apart (relative to the first), and whether within a tolerance (default 10%), with the load
 * average each run started under. `node dist/benchmarks/compare.js A.json B.json [--tolerance 0.1]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LedgerError } from '../src/domain/errors.js';
import { JSON_FORMAT } from './harness-cli.js';
import type { BenchResult } from './harness.js';

export interface FigureComparison {
  readonly figure: string;
  readonly unit: string;
  readonly a: number;
  readonly b: number;
  /** (b − a) / a. */
  readonly change: number;
  readonly within: boolean;
}

export interface Comparison {
  readonly benchmark: string;
  readonly tolerance: number;
  readonly loadA: readonly number[];
  readonly loadB: readonly number[];
  readonly figures: readonly FigureComparison[];
  /** Figures one run has and the other lacks. */
  readonly unmatched: readonly string[];
  readonly allWithin: boolean;
}

export const readResult = (file: string): BenchResult => {
  const json = JSON.parse(readFileSync(file, 'utf8')) as BenchResult & { format?: unknown };
  if (json.format !== JSON_FORMAT) throw new LedgerError('INVALID_INPUT', `${file} is not a benchmark result (format "${String(json.format)}", expected "${JSON_FORMAT}")`);
  return json;
};

/** Timed figures only (a proof's size does not drift); a benchmark compared with another is refused. */
export const compareResults = (a: BenchResult, b: BenchResult, tolerance = 0.1): Comparison => {
  if (a.benchmark !== b.benchmark) throw new LedgerError('INVALID_INPUT', `runs of two benchmarks: ${a.benchmark} and ${b.benchmark}`);
  const timed = (r: BenchResult) => new Map(r.figures.filter((f) => f.kind !== 'value').map((f) => [f.figure, f]));
  const [fa, fb] = [timed(a), timed(b)];
  const figures = [...fa.values()].flatMap((x): FigureComparison[] => {
    const y = fb.get(x.figure);
    if (y === undefined) return [];
    const change = (y.median - x.median) / x.median;
    return [{ figure: x.figure, unit: x.unit, a: x.median, b: y.median, change, within: Math.abs(change) <= tolerance }];
  });
  const unmatched = [...[...fa.keys()].filter((k) => !fb.has(k)), ...[...fb.keys()].filter((k) => !fa.has(k))];
  return { benchmark: a.benchmark, tolerance, loadA: a.machine.loadavgStart, loadB: b.machine.loadavgStart, figures, unmatched, allWithin: unmatched.length === 0 && figures.every((f) => f.within) };
};

const num = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));

export const formatComparison = (c: Comparison): string =>
  [
    `${c.benchmark}: two runs, load average at start ${c.loadA.map((x) => x.toFixed(2)).join(' ')} and ${c.loadB.map((x) => x.toFixed(2)).join(' ')}`,
    ...c.figures.map((f) => `  ${f.figure.padEnd(40)} ${num(f.a).padStart(10)} → ${num(f.b).padStart(10)} ${f.unit.padEnd(10)} ${(f.change >= 0 ? '+' : '') + (f.change * 100).toFixed(1)}%${f.within ? '' : `  beyond ±${(c.tolerance * 100).toFixed(0)}%`}`),
    ...c.unmatched.map((u) => `  ${u}: in one run only`),
    c.allWithin ? `every median within ±${(c.tolerance * 100).toFixed(0)}%` : `NOT every median within ±${(c.tolerance * 100).toFixed(0)}%`,
  ].join('\n');

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({ options: { tolerance: { type: 'string', default: '0.1' } }, allowPositionals: true });
  if (positionals.length !== 2) throw new LedgerError('INVALID_INPUT', 'compare takes two --json files of the same benchmark');
  const c = compareResults(readResult(positionals[0]!), readResult(positionals[1]!), Number(values.tolerance));
  console.log(formatComparison(c));
  process.exitCode = c.allWithin ? 0 : 1;
}
