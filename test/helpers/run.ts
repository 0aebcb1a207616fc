import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/src/cli/main.js');
/** The CLI and examples run built; `npm test` builds first. */
export const built = existsSync(CLI);

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const runNode = (script: string, args: readonly string[], cwd = ROOT): Run => {
  const r = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

export const cli = (args: readonly string[], cwd?: string): Run => runNode(CLI, args, cwd);

/** Like `cli`, without blocking the event loop: for servers running inside the test process. */
export const cliAsync = (args: readonly string[], cwd = ROOT): Promise<Run> => runNodeAsync(CLI, args, cwd);

export const runNodeAsync = (script: string, args: readonly string[], cwd = ROOT, nodeOptions: readonly string[] = []): Promise<Run> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeOptions, script, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

/** A benchmark as its npm script runs it (node --expose-gc), one pass (--quick). */
export const runBenchmarkAsync = (name: string, args: readonly string[]): Promise<Run> =>
  runNodeAsync(join(ROOT, 'dist/benchmarks', `${name}.js`), ['--quick', ...args], ROOT, ['--expose-gc']);
