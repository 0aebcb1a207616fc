// The benchmark harness's logic on a fake clock and fake workloads: what runs in which order,
// what is summed up and how, what is flagged and what is refused. Nothing here is timed.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isLedgerError } from '../../src/domain/errors.js';
import { formatResult, HARNESS_OPTIONS, harnessArgs, JSON_FORMAT, resultJson } from '../../benchmarks/harness-cli.js';
import { exposedGc, median, ratiosOf, runBench, summarise, type BenchSpec, type HarnessDeps, type Sample, type Variant } from '../../benchmarks/harness.js';

/** A world the test drives: the clocks move only when a fake workload says so, and everything is logged. */
/** A clock, a CPU meter and directories the test controls, and what the harness did with them. */
interface FakeWorld {
  readonly deps: HarnessDeps;
  readonly log: string[];
  readonly live: Set<string>;
  /** A workload that takes `wallMs` on the wall clock, `cpuMs` of CPU and `mainMs` of the main thread. */
  spend(wallMs: number, cpuMs?: number, mainMs?: number): void;
}

const fakeWorld = (): FakeWorld => {
  let wall = 1_000;
  let cpu = 50;
  let main = 20;
  let dirs = 0;
  const log: string[] = [];
  const live = new Set<string>();
  const deps: HarnessDeps = {
    clock: { wallMs: () => wall, cpuMs: () => cpu, mainMs: () => main },
    gc: () => log.push('gc'),
    loadavg: () => [0.25, 0.5, 0.75],
    now: () => new Date('2026-12-03T12:00:00Z'),
    makeDir: () => {
      const d = `/fake/run-${dirs++}`;
      live.add(d);
      log.push(`mkdir ${d}`);
      return d;
    },
    removeDir: (d) => {
      live.delete(d);
      log.push(`rmdir ${d}`);
    },
    settle: () => log.push('sync'),
  };
  /** A workload that takes `wallMs` on the wall clock and `cpuMs` of CPU. */
  const spend = (wallMs: number, cpuMs = wallMs, mainMs = wallMs) => {
    wall += wallMs;
    cpu += cpuMs;
    main += mainMs;
  };
  return { deps, log, live, spend };
};

/** A variant that times one section per run, taking walls[round] ms for `count` units. */
const fixed = (world: FakeWorld, name: string, walls: readonly number[], count = 1_000, cpuPerWall = 1): Variant => ({
  name,
  run: async (ctx) => {
    world.log.push(`run ${name} ${ctx.round} in ${ctx.dir}`);
    await ctx.time({ figure: name, count, unit: 'events' }, () => world.spend(walls[ctx.round]!, walls[ctx.round]! * cpuPerWall));
  },
});

const spec = (variants: Variant[], extra: Partial<BenchSpec> = {}): BenchSpec => ({ benchmark: 'bench:test', description: 'fake', variants, runs: 3, quick: false, ...extra });

describe('the benchmark harness', () => {
  it('interleaves the variants by round, each round rotated, each run after a sync in a fresh directory removed after it, a GC before each timed section', async () => {
    const w = fakeWorld();
    await runBench(spec([fixed(w, 'A', [1, 1, 1]), fixed(w, 'B', [1, 1, 1]), fixed(w, 'C', [1, 1, 1])]), w.deps);
    // Every variant once a round; no variant always first, none always after the same neighbour.
    expect(w.log.filter((l) => l.startsWith('run ')).map((l) => l.split(' ').slice(1, 3).join(''))).toEqual(['A0', 'B0', 'C0', 'B1', 'C1', 'A1', 'C2', 'A2', 'B2']);
    const dirsUsed = w.log.filter((l) => l.startsWith('run ')).map((l) => l.split(' in ')[1]);
    expect(new Set(dirsUsed).size).toBe(9);
    // Each run: its directory made, the GC, the run, the directory removed, before the next begins.
    expect(w.log.slice(0, 10)).toEqual(['sync', 'mkdir /fake/run-0', 'run A 0 in /fake/run-0', 'gc', 'rmdir /fake/run-0', 'sync', 'mkdir /fake/run-1', 'run B 0 in /fake/run-1', 'gc', 'rmdir /fake/run-1']);
    expect(w.live.size).toBe(0);
  });

  it('gives min, median and max per figure from the runs, with wall and CPU time each', async () => {
    const w = fakeWorld();
    const r = await runBench(spec([fixed(w, 'A', [100, 400, 200], 1_000, 1.5)]), w.deps);
    expect(r.samples.map((s) => s.value)).toEqual([10_000, 2_500, 5_000]);
    expect(r.samples.map((s) => [s.wallMs, s.cpuMs])).toEqual([[100, 150], [400, 600], [200, 300]]);
    const [a] = r.figures;
    expect(a).toMatchObject({ figure: 'A', unit: 'events/s', kind: 'rate', samples: 3, min: 2_500, median: 5_000, max: 10_000, wallMsMedian: 200, cpuMsMedian: 300 });
    expect(a!.spread).toBeCloseTo(1.5, 12);
  });

  it('takes the median of an even count as the mean of the middle two, and refuses the median of nothing', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/median of no samples/);
  });

  it('times several sections of one run as figures of their own, and a latency as µs per unit', async () => {
    const w = fakeWorld();
    const v: Variant = {
      name: 'append then verify',
      run: async (ctx) => {
        await ctx.time({ figure: 'append', count: 500, unit: 'events' }, () => w.spend(250));
        const checked = await ctx.time({ figure: 'verify', count: (n: number) => n, unit: 'events' }, () => (w.spend(100), 400));
        expect(checked).toBe(400);
        await ctx.time({ figure: 'proof', count: 10, unit: 'proof', kind: 'latency' }, () => w.spend(2));
        ctx.note('proof size', 20, 'hashes');
      },
    };
    const r = await runBench(spec([v], { runs: 2 }), w.deps);
    expect(r.figures.map((f) => [f.figure, f.unit, f.median])).toEqual([
      ['append', 'events/s', 2_000],
      ['verify', 'events/s', 4_000],
      ['proof', 'µs/proof', 200],
      ['proof size', 'hashes', 20],
    ]);
    expect(w.log.filter((l) => l === 'gc')).toHaveLength(6);
  });

  it('leaves what timed work runs through untimed() out of both its wall and CPU time', async () => {
    const w = fakeWorld();
    const v: Variant = {
      name: 'fold',
      run: async (ctx) => {
        await ctx.time({ figure: 'fold', count: 1_000, unit: 'facts' }, (sw) => {
          for (let chunk = 0; chunk < 4; chunk++) {
            sw.untimed(() => w.spend(30, 40)); // making the chunk's input
            w.spend(25, 20); // folding it
          }
        });
        await ctx.time({ figure: 'report', count: 2, unit: 'report', kind: 'duration' }, () => w.spend(300));
      },
    };
    const r = await runBench(spec([v], { runs: 1 }), w.deps);
    expect(r.samples.map((s) => [s.figure, s.wallMs, s.cpuMs, s.unit, s.value])).toEqual([
      ['fold', 100, 80, 'facts/s', 10_000],
      ['report', 300, 300, 'ms/report', 150],
    ]);
  });

  it('computes a ratio from the two medians of the same invocation, not the median of per-round ratios', async () => {
    const w = fakeWorld();
    // Rates of A: 10,000 / 5,000 / 2,500; of B: 2,500 / 10,000 / 5,000. Per-round ratios 4, 0.5, 0.5.
    const r = await runBench(spec([fixed(w, 'A', [100, 200, 400]), fixed(w, 'B', [400, 100, 200])], { ratios: [{ of: 'A', to: 'B' }] }), w.deps);
    expect(r.ratios[0]!.ratio).toBe(1);
    expect(r.ratios[0]!.noise).toBeCloseTo(3, 12);
    expect(r.ratios[0]!.aboveCeiling).toBe(false);
  });

  it('takes a main-thread ratio from each figure’s median main-thread time a unit, and refuses one on a figure that is not timed', async () => {
    const w = fakeWorld();
    // Both take the same wall time; B keeps the main thread busy 80 ms a run of 1,000 units, A 100 ms.
    const mainBound = (name: string, mainMs: readonly number[]): Variant => ({
      name,
      run: async (ctx) => {
        await ctx.time({ figure: name, count: 1_000, unit: 'events' }, () => w.spend(200, 300, mainMs[ctx.round]!));
        ctx.note(`${name} size`, 1, 'hashes');
      },
    });
    const r = await runBench(spec([mainBound('A', [100, 100, 300]), mainBound('B', [80, 20, 80])], {
      ratios: [{ of: 'A', to: 'B', basis: 'main thread' }, { of: 'A', to: 'B' }],
    }), w.deps);
    const a = r.figures.find((f) => f.figure === 'A')!;
    expect(a.mainMsPerUnit).toBeCloseTo(0.1);
    expect(a.mainSpread).toBeCloseTo(2); // (0.3 − 0.1) / 0.1
    const [main, wall] = r.ratios;
    expect(main).toMatchObject({ basis: 'main thread' });
    expect(main!.ratio).toBeCloseTo(0.8); // B's 0.08 ms a unit over A's 0.1
    expect(wall).toMatchObject({ basis: 'median', ratio: 1 });
    expect(formatResult(r)).toContain('main-thread time a unit');
    expect(() => ratiosOf(r.figures, [{ of: 'A size', to: 'B', basis: 'main thread' }])).toThrow(/both figures must be timed/);
  });

  it('flags a figure above its ceiling by more than the noise, and only then', async () => {
    const w = fakeWorld();
    // "fast" is 1.25x "ceiling"; each spreads 2%: noise 4%, so flagged. "noisy" is 1.05x within its 20%.
    const r = await runBench(
      spec([fixed(w, 'ceiling', [100, 101, 102]), fixed(w, 'fast', [80, 80.8, 81.6]), fixed(w, 'noisy', [85, 95.2, 105])], {
        ratios: [{ of: 'fast', to: 'ceiling', ceiling: true }, { of: 'noisy', to: 'ceiling', ceiling: true }, { of: 'fast', to: 'ceiling', label: 'not a ceiling' }],
      }),
      w.deps,
    );
    const [fast, noisy, plain] = r.ratios;
    expect(fast!.ratio).toBeCloseTo(1.25, 9);
    expect(fast!.aboveCeiling).toBe(true);
    expect(noisy!.ratio).toBeGreaterThan(1);
    expect(noisy!.noise).toBeGreaterThan(noisy!.ratio - 1);
    expect(noisy!.aboveCeiling).toBe(false);
    expect(plain!.aboveCeiling).toBe(false);
    const text = formatResult(r);
    expect(text).toMatch(/fast \/ ceiling\s+1\.250x .*ABOVE ITS CEILING/);
    expect(text).not.toMatch(/noisy \/ ceiling.*ABOVE/);
    expect(text).toMatch(/WARNING: 1 figure\(s\) above their ceiling beyond the noise: fast \/ ceiling$/m);
  });

  it('prints no warning when every figure stays under its ceiling', async () => {
    const w = fakeWorld();
    const r = await runBench(spec([fixed(w, 'ceiling', [100, 100, 100]), fixed(w, 'slow', [200, 200, 200])], { ratios: [{ of: 'slow', to: 'ceiling', ceiling: true }] }), w.deps);
    expect(r.ratios[0]!.ratio).toBe(0.5);
    expect(formatResult(r)).not.toMatch(/ABOVE|WARNING/);
  });

  it('--quick makes one pass whatever --runs says; then any ratio over 1 to a ceiling is flagged (no spread to hide in)', async () => {
    const w = fakeWorld();
    const r = await runBench(spec([fixed(w, 'ceiling', [100]), fixed(w, 'fast', [99])], { runs: 5, quick: true, ratios: [{ of: 'fast', to: 'ceiling', ceiling: true }] }), w.deps);
    expect(r.runs).toBe(1);
    expect(r.quick).toBe(true);
    expect(r.samples).toHaveLength(2);
    expect(r.figures[0]!.spread).toBe(0);
    expect(r.ratios[0]!.aboveCeiling).toBe(true);
    expect(formatResult(r)).toMatch(/one pass \(--quick\)/);
  });

  it('writes every sample and the machine as JSON, under a format name', async () => {
    const w = fakeWorld();
    const r = await runBench(spec([fixed(w, 'A', [100, 200]), fixed(w, 'B', [50, 50])], { runs: 2, ratios: [{ of: 'A', to: 'B' }] }), w.deps, ['dist/benchmarks/x.js', '--json', 'out.json']);
    const json = JSON.parse(resultJson(r)) as Record<string, unknown> & { machine: Record<string, unknown>; samples: Sample[] };
    expect(json.format).toBe(JSON_FORMAT);
    expect(json).toMatchObject({ benchmark: 'bench:test', runs: 2, quick: false, startedAt: '2026-12-03T12:00:00.000Z', command: ['dist/benchmarks/x.js', '--json', 'out.json'] });
    expect(json.machine).toMatchObject({ node: process.version, loadavgStart: [0.25, 0.5, 0.75], loadavgEnd: [0.25, 0.5, 0.75] });
    expect(typeof json.machine.cores).toBe('number');
    expect(json.samples).toHaveLength(4);
    expect(json.samples.map((s) => `${s.variant}${s.round}`)).toEqual(['A0', 'B0', 'B1', 'A1']);
    for (const s of json.samples) expect(Object.keys(s).sort()).toEqual(['count', 'cpuMs', 'figure', 'kind', 'mainMs', 'round', 'unit', 'value', 'variant', 'wallMs']);
    expect((json.figures as unknown[]).length).toBe(2);
    expect((json.ratios as { ratio: number }[])[0]!.ratio).toBe(7_500 / 20_000);
  });

  it('never writes a password from the command line (a --ledger connection string) to the output or the JSON', async () => {
    const w = fakeWorld();
    const r = await runBench(spec([fixed(w, 'A', [1])], { runs: 1 }), w.deps, ['dist/benchmarks/append.js', '--ledger', 'postgres://bench:s3cret-pw@127.0.0.1:5432/db']);
    expect(r.command[2]).toMatch(/^postgres:\/\/.*127\.0\.0\.1:5432\/db$/);
    for (const text of [resultJson(r), formatResult(r)]) {
      expect(text).not.toContain('s3cret-pw');
      expect(text).toContain('127.0.0.1:5432');
    }
  });

  it('removes the run directory even when the variant fails, and the failure reaches the caller', async () => {
    const w = fakeWorld();
    const boom: Variant = { name: 'boom', run: async () => { throw new Error('store broke'); } };
    await expect(runBench(spec([boom]), w.deps)).rejects.toThrow('store broke');
    expect(w.live.size).toBe(0);
  });

  it('refuses what would make a figure meaningless', async () => {
    const w = fakeWorld();
    const refused = async (s: BenchSpec, pattern: RegExp) => {
      const e = await runBench(s, w.deps).then(() => undefined, (x: unknown) => x);
      expect(isLedgerError(e, 'INVALID_INPUT'), String(e)).toBe(true);
      expect((e as Error).message).toMatch(pattern);
    };
    await refused(spec([fixed(w, 'A', [1]), fixed(w, 'A', [1])]), /two variants are named "A"/);
    await refused(spec([fixed(w, 'A', [1])], { runs: 0 }), /runs must be a whole number/);
    await refused(spec([fixed(w, 'A', [1, 1, 1], 0)]), /count must be a positive number, got 0/);
    await refused(spec([fixed(w, 'A', [0, 0, 0])]), /the wall clock did not advance/);
    await refused(spec([fixed(w, 'A', [1, 1, 1])], { ratios: [{ of: 'A', to: 'missing' }] }), /names figure "missing", which no variant recorded/);
    const both: Variant = { name: 'B', run: async (ctx) => { await ctx.time({ figure: 'A', count: 1, unit: 'events' }, () => w.spend(1)); } };
    await refused(spec([fixed(w, 'A', [1, 1, 1]), both]), /figure "A" is recorded by "A" .* and "B"/);
  });

  it('refuses a ceiling ratio between figures that are not both rates', () => {
    const fig = (figure: string, kind: 'rate' | 'latency') => summarise([{ round: 0, variant: figure, figure, kind, unit: 'x', count: 1, wallMs: 1, cpuMs: 1, value: 1 }])[0]!;
    expect(() => ratiosOf([fig('a', 'latency'), fig('b', 'rate')], [{ of: 'a', to: 'b', ceiling: true }])).toThrow(/both figures must be rates/);
    expect(ratiosOf([fig('a', 'latency'), fig('b', 'rate')], [{ of: 'a', to: 'b' }])[0]!.ratio).toBe(1);
  });

  it('refuses to run without a full GC to call (node without --expose-gc)', () => {
    const g = globalThis as { gc?: () => void };
    const saved = g.gc;
    try {
      delete g.gc;
      expect(() => exposedGc()).toThrow(/run node with --expose-gc/);
      let called = 0;
      g.gc = () => void called++;
      exposedGc()();
      expect(called).toBe(1);
    } finally {
      if (saved === undefined) delete g.gc;
      else g.gc = saved;
    }
  });
});

describe('more rounds while a median is not yet precise (maxRuns, precision)', () => {
  it('gives the median an interval of order statistics: the whole range up to 9 samples, the 3rd to the 13th of 15', async () => {
    const { medianInterval } = await import('../../benchmarks/harness.js');
    expect(medianInterval([5, 1, 3, 2, 4])).toEqual([1, 5]);
    expect(medianInterval(Array.from({ length: 15 }, (_, i) => 15 - i))).toEqual([3, 13]);
    expect(() => medianInterval([])).toThrow(/no samples/);
  });

  it('stops at runs when every median is within precision, and goes on to maxRuns while one is not', async () => {
    const w = fakeWorld();
    // A: steady. B: its runs swing ±20%, so its median is never within ±5%.
    const steady = await runBench(spec([fixed(w, 'A', Array(9).fill(100))], { runs: 3, maxRuns: 9 }), w.deps);
    expect(steady.runs).toBe(3);
    const swings = Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? 80 : 120));
    const noisy = await runBench(spec([fixed(w, 'A', Array(9).fill(100)), fixed(w, 'B', swings)], { runs: 3, maxRuns: 9 }), w.deps);
    expect(noisy.runs).toBe(9);
    expect(noisy.figures.map((f) => f.samples)).toEqual([9, 9]);
    expect(formatResult(noisy)).toMatch(/9 runs of each variant \(3 to 9: until every median was known within ±5\.0%, its ~95% interval, which not all were\)/);
    expect(noisy.figures.find((f) => f.figure === 'B')!.precision).toBeGreaterThan(0.05);
    expect(formatResult(steady)).toMatch(/3 runs of each variant \(3 to 9: until every median was known within ±5\.0%, its ~95% interval\)/);
  });

  it('refuses a maxRuns below runs, and a precision of 0 or less', async () => {
    const w = fakeWorld();
    await expect(runBench(spec([fixed(w, 'A', [1, 1, 1])], { runs: 3, maxRuns: 2 }), w.deps)).rejects.toThrow(/max runs must be a whole number >= runs \(3\)/);
    await expect(runBench(spec([fixed(w, 'A', [1, 1, 1])], { precision: 0 }), w.deps)).rejects.toThrow(/precision must be above 0/);
  });
});

describe('each run in a process of its own (isolation: process)', () => {
  it('hands every run, in the interleaved order, to a fresh process, and runs none in this one', async () => {
    const w = fakeWorld();
    const asked: string[] = [];
    const deps: HarnessDeps = {
      ...w.deps,
      runIsolated: async (variant, round) => {
        asked.push(`${variant}${round}`);
        return [{ round, variant, figure: variant, kind: 'rate', unit: 'events/s', count: 1_000, wallMs: 100 + round, cpuMs: 90, mainMs: 80, value: 1_000_000 / (100 + round) }];
      },
    };
    const r = await runBench(spec([fixed(w, 'A', [1, 1, 1]), fixed(w, 'B', [1, 1, 1])], { isolation: 'process' }), deps);
    expect(asked).toEqual(['A0', 'B0', 'B1', 'A1', 'A2', 'B2']);
    expect(w.log.filter((l) => l.startsWith('run '))).toEqual([]);
    expect(r.isolation).toBe('process');
    expect(r.figures.find((f) => f.figure === 'A')).toMatchObject({ samples: 3, median: 1_000_000 / 101 });
    expect(formatResult(r)).toMatch(/each run in a fresh process/);
  });

  it('runs in this process when the deps cannot isolate, and says nothing of isolation', async () => {
    const w = fakeWorld();
    const r = await runBench(spec([fixed(w, 'A', [1, 1, 1])], { isolation: 'process' }), w.deps);
    expect(w.log.filter((l) => l.startsWith('run '))).toHaveLength(3);
    expect(r.isolation).toBeUndefined();
    expect(formatResult(r)).not.toMatch(/fresh process/);
  });

  it('refuses samples a process sends back for another variant or round', async () => {
    const w = fakeWorld();
    const deps: HarnessDeps = {
      ...w.deps,
      runIsolated: async (_variant, round) => [{ round, variant: 'B', figure: 'B', kind: 'rate', unit: 'events/s', count: 1, wallMs: 1, cpuMs: 1, mainMs: 1, value: 1000 }],
    };
    await expect(runBench(spec([fixed(w, 'A', [1, 1, 1])], { isolation: 'process' }), deps)).rejects.toThrow(/the process that ran "A" \(round 0\) sent back a sample of "B"/);
  });
});

describe('the harness command line', () => {
  const parse = (argv: string[]) => harnessArgs(parseArgs({ args: argv, options: HARNESS_OPTIONS }).values);

  it('defaults to 5 runs, and reads --runs, --quick, --json and --in-process', () => {
    expect(parse([])).toEqual({ runs: 5, quick: false });
    expect(parse(['--runs', '3', '--quick', '--json', 'a.json'])).toEqual({ runs: 3, quick: true, json: 'a.json' });
    expect(parse(['--in-process'])).toEqual({ runs: 5, quick: false, inProcess: true });
    expect(parse(['--max-runs', '15', '--precision', '3%'])).toEqual({ runs: 5, quick: false, maxRuns: 15, precision: 0.03 });
    expect(parse(['--precision', '0.1'])).toMatchObject({ precision: 0.1 });
    expect(() => parse(['--max-runs', '4'])).toThrow(/--max-runs must be a whole number >= --runs \(5\)/);
    expect(() => parse(['--precision', '0'])).toThrow(/--precision must be/);
    expect(() => parse(['--precision', 'tight'])).toThrow(/--precision must be/);
  });

  it('refuses a run count that is not a whole number >= 1, and --json without a file', () => {
    for (const runs of ['0', '-1', '2.5', 'five', '']) expect(() => parse([`--runs=${runs}`]), runs).toThrow(/--runs must be a whole number >= 1/);
    expect(() => parse(['--json', ''])).toThrow(/--json needs a file name/);
    expect(() => parse(['--json'])).toThrow();
  });
});
