// The benchmarks as their npm scripts run them: with a GC to call, on the harness, their peers
// kept out of the library's own dependencies. One small real run of bench:proofs, nothing timed.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { built, ROOT, runBenchmarkAsync, runNodeAsync } from '../helpers/run.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const benchScripts = Object.entries(pkg.scripts).filter(([name]) => name.startsWith('bench:'));

describe('the benchmark scripts', () => {
  it('run every benchmark with node --expose-gc, and every benchmark on the harness', () => {
    expect(benchScripts.map(([n]) => n).sort()).toEqual(['bench:append', 'bench:audit', 'bench:bundle', 'bench:peers', 'bench:proofs', 'bench:report', 'bench:verdicts']);
    for (const [name, script] of benchScripts) expect(script, name).toMatch(/&& node --expose-gc (--[a-z-]+=\d+ )?dist\/benchmarks\/[a-z-]+\.js$/);
    const entries = benchScripts.map(([, s]) => /dist\/benchmarks\/([a-z-]+)\.js$/.exec(s)![1]!);
    for (const e of entries) expect(readFileSync(join(ROOT, 'benchmarks', `${e}.ts`), 'utf8'), e).toContain('runAndReport(');
    // Every benchmark file is one of those, or the harness and the shared workload.
    const files = readdirSync(join(ROOT, 'benchmarks')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    expect(files.filter((f) => !entries.includes(f)).sort()).toEqual(['append-workload', 'compare', 'harness', 'harness-cli', 'markdown']);
  });

  it('keep the peers out of the library: their own package.json and lockfile, installed by bench:peers only', () => {
    for (const deps of [pkg.dependencies, pkg.devDependencies]) expect(Object.keys(deps).filter((d) => /emmett|^sqlite3$/.test(d))).toEqual([]);
    const peers = JSON.parse(readFileSync(join(ROOT, 'benchmarks/peers/package.json'), 'utf8')) as { private: boolean; dependencies: Record<string, string> };
    expect(peers.private).toBe(true);
    expect(peers.dependencies['@event-driven-io/emmett-sqlite']).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = JSON.parse(readFileSync(join(ROOT, 'benchmarks/peers/package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    for (const [name, version] of Object.entries(peers.dependencies)) expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    expect(pkg.scripts['bench:peers']).toContain('npm ci --prefix benchmarks/peers');
    expect(pkg.scripts.test).not.toMatch(/bench/);
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).not.toMatch(/bench/);
  });
});

describe.skipIf(!built)('a benchmark run', () => {
  it('refuses to run without a GC to call before each timed section', async () => {
    const r = await runNodeAsync(join(ROOT, 'dist/benchmarks/merkle.js'), ['--quick', '--leaves', '64', '--samples', '8']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/run node with --expose-gc/);
    expect(r.stdout).toBe('');
  });

  it('bench:append runs each run in a process of its own, and --in-process in its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-bench-append-'));
    try {
      const json = join(dir, 'append.json');
      const args = ['--runs', '2', '--max-runs', '2', '--events', '400', '--subjects', '4', '--batch', '50', '--only', 'encryption'];
      const script = join(ROOT, 'dist/benchmarks/append.js');
      const r = await runNodeAsync(script, [...args, '--json', json], ROOT, ['--expose-gc']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/2 runs of each variant, interleaved; .*each run in a fresh process/);
      expect(r.stdout).toMatch(/sealed \+ signed \+ encrypted, per-batch +[\d,]+ events\/s/);
      const result = JSON.parse(readFileSync(json, 'utf8')) as { isolation?: string; samples: { variant: string; round: number }[] };
      expect(result.isolation).toBe('process');
      expect(result.samples.map((s) => s.round).sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
      const inProcess = await runNodeAsync(script, [...args, '--in-process'], ROOT, ['--expose-gc']);
      expect(inProcess.status).toBe(0);
      expect(inProcess.stdout).not.toMatch(/fresh process/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bench:proofs prints the proof sizes and the checkpoint verification, and writes every sample with --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-bench-proofs-'));
    try {
      const json = join(dir, 'proofs.json');
      const r = await runBenchmarkAsync('merkle', ['--leaves', '4096', '--samples', '64', '--json', json]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/inclusion proof size at 4,096 +12\.0 hashes/);
      expect(r.stdout).toMatch(/verify 4,096 events against a checkpoint +[\d,.]+ events\/s/);
      expect(r.stdout).toMatch(/consistency from the checkpoint at 2,457 +[\d,.]+ µs\/check/);
      expect(r.stdout).toMatch(/load average [\d.]+ [\d.]+ [\d.]+ at start/);
      const result = JSON.parse(readFileSync(json, 'utf8')) as { format: string; quick: boolean; samples: { figure: string; round: number }[]; machine: { loadavgStart: number[] } };
      expect(result.format).toBe('privacy-ledger-bench/1');
      expect(result.quick).toBe(true);
      expect(result.machine.loadavgStart).toHaveLength(3);
      expect(result.samples.filter((s) => s.figure.startsWith('verify 4,096 events')).map((s) => s.round)).toEqual([0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
