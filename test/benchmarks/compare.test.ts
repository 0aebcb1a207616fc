// Comparing two runs of a benchmark from their --json files: the "two runs within 10%" check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison, readResult } from '../../benchmarks/compare.js';
import { markdownOf } from '../../benchmarks/markdown.js';
import type { BenchResult, FigureSummary } from '../../benchmarks/harness.js';

const fig = (figure: string, median: number, kind: FigureSummary['kind'] = 'rate'): FigureSummary => ({
  figure, kind, unit: kind === 'value' ? 'hashes' : 'events/s', samples: 5, min: median, median, max: median, spread: 0, wallMsMedian: 1, cpuMsMedian: 1, mainMsPerUnit: 0.001, mainSpread: 0,
});
const result = (figures: FigureSummary[], load = [0.1, 0.2, 0.3], benchmark = 'bench:append'): BenchResult => ({
  benchmark, description: '', command: [], startedAt: '2026-12-03T12:00:00.000Z', runs: 5, quick: false,
  machine: { node: 'v20', platform: 'linux', release: '', arch: 'x64', cores: 2, cpuModel: '', totalMemGiB: 24, uvThreadpoolSize: '4', loadavgStart: load, loadavgEnd: load },
  samples: [], figures, ratios: [],
});

describe('comparing two benchmark runs', () => {
  it('finds every timed median within 10%, or names the one beyond', () => {
    const a = result([fig('per-event', 30_000), fig('verify', 12_000), fig('proof size', 20, 'value')]);
    const close = compareResults(a, result([fig('per-event', 32_900), fig('verify', 11_000), fig('proof size', 40, 'value')], [1.5, 1, 1]));
    expect(close.allWithin).toBe(true);
    expect(close.figures.map((f) => f.figure)).toEqual(['per-event', 'verify']);
    expect(close.figures[0]!.change).toBeCloseTo(0.0967, 3);
    const far = compareResults(a, result([fig('per-event', 33_100), fig('verify', 12_000)]));
    expect(far.allWithin).toBe(false);
    expect(far.figures.filter((f) => !f.within).map((f) => f.figure)).toEqual(['per-event']);
    const text = formatComparison(far);
    expect(text).toMatch(/per-event .*\+10\.3%  beyond ±10%/);
    expect(text).toMatch(/^NOT every median within ±10%$/m);
    expect(formatComparison(close)).toMatch(/load average at start 0\.10 0\.20 0\.30 and 1\.50 1\.00 1\.00/);
  });

  it('counts a figure only one run has as a failure, and refuses runs of two benchmarks or a file that is no result', () => {
    const c = compareResults(result([fig('a', 1), fig('b', 1)]), result([fig('a', 1)]));
    expect(c.unmatched).toEqual(['b']);
    expect(c.allWithin).toBe(false);
    expect(() => compareResults(result([]), result([], undefined, 'bench:proofs'))).toThrow(/two benchmarks: bench:append and bench:proofs/);
    const dir = mkdtempSync(join(tmpdir(), 'pl-compare-'));
    try {
      writeFileSync(join(dir, 'x.json'), JSON.stringify({ figures: [] }));
      expect(() => readResult(join(dir, 'x.json'))).toThrow(/is not a benchmark result/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the README tables', () => {
  it('are made from one result: the npm command, the load, each median with min – max, the ratios, a ceiling beaten flagged', () => {
    const r = {
      ...result([{ ...fig('per-event', 30_000), min: 28_000, max: 31_000, wallMsMedian: 1_000, cpuMsMedian: 1_500, mainMsPerUnit: 0.025 }, fig('proof size', 20, 'value')], [2.5, 1.25, 0.5]),
      command: ['dist/benchmarks/append.js', '--runs', '5'],
      ratios: [
        { label: 'per-event / sign', of: 'per-event', to: 'sign', ratio: 1.3, noise: 0.1, basis: 'median', ceiling: true, aboveCeiling: true },
        { label: 'per-event / other', of: 'per-event', to: 'other', ratio: 0.96, noise: 0.05, basis: 'main thread', ceiling: false, aboveCeiling: false },
      ],
    };
    const md = markdownOf(r).split('\n');
    expect(md[0]).toBe('`npm run bench:append -- --runs 5` — .');
    expect(md[1]).toMatch(/^5 runs of each variant, interleaved, 2026-12-03 12:00 UTC, node v20, 2 cores; load average 2\.50 1\.25 0\.50 at the start/);
    expect(md).toContain('| per-event | **30,000** events/s | 28,000 – 31,000 | 1.50 | 25.0 µs |');
    expect(md).toContain('| proof size | **20.0** hashes | 20.0 – 20.0 |  |  |');
    expect(md).toContain('| per-event / sign | **1.30x** (above its ceiling beyond the noise) | 10% |');
    expect(md).toContain('| per-event / other (main-thread time a unit) | **0.96x** | 5% |');
  });
});
