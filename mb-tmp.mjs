import { leafHash } from './dist/src/seal/merkle.js';
import { merkleLog } from './dist/src/seal/merkle-log.js';
import { checkedHexBytes } from './dist/src/seal/hash.js';
import { randomBytes } from 'node:crypto';
const hexes = Array.from({ length: 100000 }, () => randomBytes(32).toString('hex'));
for (let r = 0; r < 5; r++) {
  const a = merkleLog(), b = merkleLog();
  let t = performance.now();
  for (const h of hexes) a.append(leafHash(checkedHexBytes(h)));
  const t1 = performance.now() - t; t = performance.now();
  for (const h of hexes) b.appendData(checkedHexBytes(h));
  const t2 = performance.now() - t;
  if (Buffer.compare(a.root(), b.root()) !== 0 || Buffer.compare(a.root(77777), b.root(77777)) !== 0) throw new Error('differ');
  console.log('append(leafHash)', (t1 * 1000 / hexes.length).toFixed(3), 'appendData', (t2 * 1000 / hexes.length).toFixed(3), 'µs');
}
