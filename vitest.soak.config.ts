import { defineConfig } from 'vitest/config';

// `npm run test:soak`: the reliability sweep (killed and racing writer processes, a full disk).
// Minutes long and root-only in part, so it stays out of `npm test`.
export default defineConfig({
  test: {
    include: ['test/soak/**/*.soak.ts'],
    testTimeout: 900_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
