// Child process for the soak suite: records batches into one SQLite ledger and tells the parent,
// over IPC, the ids of every fact once record() has acknowledged it. Runs the built library.
//   node writer.mjs PATH SEED_HEX kill WRITER BATCH           records until killed
//   node writer.mjs PATH SEED_HEX race WRITER CALLS SUBJECTS  CALLS calls of 1-4 facts on random subjects, then exits
import { randomUUID } from 'node:crypto';
import { openLedger } from '../../dist/src/ledger/ledger.js';
import { nodeSigner } from '../../dist/src/seal/signers.js';
import { sqliteStore } from '../../dist/src/store/sqlite.js';

const [path, seedHex, mode, writer, a, b] = process.argv.slice(2);
const signer = nodeSigner(Uint8Array.from(Buffer.from(seedHex, 'hex')), 'soak');
const ledger = await openLedger({ store: sqliteStore(path), signer });
const send = (message) => new Promise((resolve) => process.send(message, resolve));
await send({ ready: true });
const fact = (subject, actor, i) => ({
  type: 'DataUsed', id: randomUUID(), at: new Date(Date.UTC(2026, 2, 1, 0, 0, i % 60)).toISOString(),
  subject, categories: ['user.contact.email'], purpose: 'provide-service', actor,
});

if (mode === 'kill') {
  // Each batch spans three subjects, so a partial batch would show on SQLite's one transaction.
  const BATCH = Number(a);
  for (let n = 0; ; n++) {
    const actor = `w${writer}-b${n}`;
    const facts = Array.from({ length: BATCH }, (_, i) => fact(`u-${(n * 3 + (i % 3)) % 50}`, actor, i));
    await ledger.record(facts);
    await send({ acked: facts.map((f) => f.id) });
  }
} else {
  const calls = Number(a);
  const subjects = Number(b);
  for (let n = 0; n < calls; n++) {
    const facts = Array.from({ length: 1 + Math.floor(Math.random() * 4) }, (_, i) => fact(`u-${Math.floor(Math.random() * subjects)}`, `w${writer}`, i));
    await ledger.record(facts);
    await send({ acked: facts.map((f) => f.id) });
  }
  await ledger.close();
  process.disconnect();
}
