/**
 * Vitest global setup: the PostgreSQL suites run against the server PGURL names, or else a
 * throwaway cluster started here (scripts/pg-test-server.sh) and stopped after the run. With
 * neither, the run fails, naming what is missing: the PostgreSQL suites never pass by not running.
 * The fault tests that restart the server run only on a throwaway cluster (PG_TEST_DIR).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const SCRIPT = join(import.meta.dirname, '../../scripts/pg-test-server.sh');

export interface PostgresUnderTest {
  readonly url: string;
  /** The throwaway cluster's folder, for the fault tests that restart it; undefined for a PGURL server. */
  readonly dir: string | undefined;
  readonly script: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresUnderTest;
  }
}

export default function setup(project: TestProject): (() => void) | undefined {
  const own = process.env.PGURL;
  if (own !== undefined && own !== '') {
    // PG_TEST_DIR with it: a cluster from scripts/pg-test-server.sh, which the fault tests may restart.
    project.provide('postgres', { url: own, dir: process.env.PG_TEST_DIR || undefined, script: SCRIPT });
    return undefined;
  }
  // Owned by this process: a run killed before its teardown still takes the cluster with it.
  const started = spawnSync('bash', [SCRIPT, 'start'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, PG_TEST_OWNER_PID: String(process.pid) } });
  if (started.status !== 0) {
    throw new Error(
      `The PostgreSQL suites need a server and none could be started: ${started.stderr || started.error?.message}\n` +
        'Install PostgreSQL (Debian: apt-get install -y postgresql) so that initdb is found, or set PGURL=postgres://user@host:5432/db.',
    );
  }
  const env = Object.fromEntries(started.stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  project.provide('postgres', { url: env.PGURL!, dir: env.PG_TEST_DIR!, script: SCRIPT });
  return () => {
    spawnSync('bash', [SCRIPT, 'stop', env.PG_TEST_DIR!], { timeout: 60_000 });
  };
}
