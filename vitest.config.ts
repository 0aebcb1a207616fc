import { defineConfig } from 'vitest/config';

// The ledger's own suites, run a second time on PostgreSQL (test/helpers/ledger-store.ts).
const LEDGER_SUITES = ['test/ledger/record.test.ts', 'test/ledger/verify.test.ts', 'test/ledger/queries.test.ts', 'test/projection/runner.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A throwaway PostgreSQL cluster for the run, or the server PGURL names.
    globalSetup: ['test/setup/postgres.ts'],
    projects: [
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'ledger on postgres', include: LEDGER_SUITES, env: { LEDGER_TEST_STORE: 'postgres' } } },
    ],
  },
});
