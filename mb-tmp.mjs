import { sealer } from './dist/src/ledger/sealer.js';
import { sqliteKeyStore } from './dist/src/store/sqlite-key-store.js';
import { memoryStore } from './dist/src/store/memory.js';
import { chainWithText } from './dist/src/seal/envelope.js';
import { streamOf } from './dist/src/domain/streams.js';
import { appendWorkload } from './dist/benchmarks/append-workload.js';
import { mkdtempSync } from 'node:fs';
import { v7 } from 'uuid';
const dir = mkdtempSync('/tmp/prof/mb-');
const s = sealer(memoryStore(), sqliteKeyStore(dir + '/k.keys'));
const work = appendWorkload({ events: 20000, subjects: 200, batch: 100 });
const pend = work.map((b) => b.map((f, index) => ({ index, id: v7(), explicit: false, fact: f, stream: streamOf(f) })));
await Promise.all(pend.slice(0, 200).map((b) => s.seal(b, true))); // keys made
const ctx = { ledger: 'privacy-ledger.local/c12dfd6e-9d35-49d3-a10a-20256c30673e', keyId: 'k-d26c8f3e27a041c5', recordedAt: new Date().toISOString() };
for (let r = 0; r < 4; r++) {
  let t = performance.now(); const sealed = []; for (const b of pend) sealed.push(await s.seal(b, false)); const tSeal = performance.now() - t;
  t = performance.now(); for (const b of pend) chainWithText(b.map((p) => p.fact), { ...ctx, stream: b[0].stream, ids: b.map((p) => p.id) }); const tPlain = performance.now() - t;
  t = performance.now(); for (const b of sealed) chainWithText(b.map((p) => p.fact), { ...ctx, stream: b[0].stream, ids: b.map((p) => p.id), sealed: b.map((p) => p.sealed) }); const tSealedChain = performance.now() - t;
  const n = 20000;
  console.log('seal', (tSeal * 1000 / n).toFixed(2), 'chain plain', (tPlain * 1000 / n).toFixed(2), 'chain sealed', (tSealedChain * 1000 / n).toFixed(2), 'µs/fact');
}
