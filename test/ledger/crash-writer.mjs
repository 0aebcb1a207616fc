// Child process for crash.test.ts: records batches of BATCH facts, one subject a batch, until killed.
// Runs the built library (npm test builds first), so the parent can SIGKILL a real writer mid-append.
import { openLedger } from '../../dist/src/ledger/ledger.js';
import { nodeSigner } from '../../dist/src/seal/signers.js';
import { sqliteStore } from '../../dist/src/store/sqlite.js';

const [path, batchText, mode, seedHex, checkpointEvery] = process.argv.slice(2);
const BATCH = Number(batchText);
// With a fifth argument, automatic checkpoints every that many events: the kill may land mid-checkpoint.
const auto = checkpointEvery === undefined ? {} : { autoCheckpoint: { everyEvents: Number(checkpointEvery) } };
const ledger = await openLedger({ store: sqliteStore(path), signer: nodeSigner(Buffer.from(seedHex, 'hex')), signing: mode, ...auto });
process.send?.('ready');
for (let n = 0; ; n++) {
  const subject = `u-${n % 50}`;
  const facts = Array.from({ length: BATCH }, (_, i) => ({
    type: 'DataUsed',
    at: new Date(Date.UTC(2026, 2, 1, 0, 0, i)).toISOString(),
    subject,
    categories: ['user.contact.email'],
    purpose: 'provide-service',
    actor: `writer-${process.pid}`,
  }));
  await ledger.record(facts);
}
