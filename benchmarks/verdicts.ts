/**
 * What record() pays for returning the verdict of each fact it records (`verdicts`, default
 * true) against an append-only writer (`verdicts: false`): the same 10,000 facts, batches of
 * 100, 8 in flight, on SQLite, the two interleaved by the harness, each run on a fresh store.
 *   npm run bench:verdicts [-- --signing per-event|per-batch --runs 5 --quick --json FILE]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LedgerError } from '../src/domain/errors.js';
import type { FactInput } from '../src/domain/facts.js';
import { openLedger } from '../src/ledger/ledger.js';
import type { SigningMode } from '../src/seal/envelope.js';
import { nodeSigner, randomSeed } from '../src/seal/signers.js';
import { sqliteStore } from '../src/store/sqlite.js';
import { HARNESS_OPTIONS, harnessArgs, runAndReport } from './harness-cli.js';
import type { Variant } from './harness.js';

const { values } = parseArgs({ options: { ...HARNESS_OPTIONS, signing: { type: 'string', default: 'per-event' } } });
if (values.signing !== 'per-event' && values.signing !== 'per-batch') throw new LedgerError('INVALID_INPUT', `--signing is per-event or per-batch, not "${values.signing}"`);
const signing: SigningMode = values.signing;
const args = harnessArgs(values);

const factFor = (subject: string, i: number): FactInput =>
  i % 20 === 0
    ? { type: 'DataCollected', at: '2026-03-01T00:00:00Z', subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'signup' }
    : { type: 'DataUsed', at: '2026-03-02T00:00:00Z', subject, categories: ['user.contact.email'], purpose: 'provide-service', actor: 'mailer' };
const batches = Array.from({ length: 100 }, (_, b) => Array.from({ length: 100 }, (_, i) => factFor(`u-${b % 50}`, i)));

const figureOf = (verdicts: boolean) => (verdicts ? 'verdicts: true (the default)' : 'verdicts: false (append only)');

const writer = (verdicts: boolean): Variant => ({
  name: `verdicts ${verdicts}`,
  run: async (ctx) => {
    const ledger = await openLedger({ store: sqliteStore(join(ctx.dir, 'ledger.db')), signer: nodeSigner(randomSeed()), signing, verdicts });
    try {
      let next = 0;
      await ctx.time({ figure: figureOf(verdicts), count: 10_000, unit: 'facts' }, () =>
        Promise.all(Array.from({ length: 8 }, async () => { while (next < batches.length) await ledger.record(batches[next++]!); })),
      );
    } finally {
      await ledger.close();
    }
  },
});

await runAndReport(
  {
    benchmark: 'bench:verdicts',
    description: `record() with and without verdicts, ${signing}, SQLite synchronous=FULL, 10,000 facts a run`,
    variants: [writer(false), writer(true)],
    ratios: [{ of: figureOf(true), to: figureOf(false), label: 'with verdicts / append only' }],
  },
  args,
);
