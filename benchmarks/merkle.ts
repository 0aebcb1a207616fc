/**
 * The verifiable log's primitives at 1,000,000 leaves: append cost and memory of merkleLog
 * and compactRange, inclusion and consistency proof size and time, and verification time.
 * Run: `npm run build && node dist/benchmarks/merkle.js [leaves]`.
 */
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compactRange } from '../src/seal/compact-range.js';
import { verifyConsistency, verifyInclusion } from '../src/seal/merkle.js';
import { merkleLog } from '../src/seal/merkle-log.js';

const N = Number(process.argv[2] ?? 1_000_000);
const SAMPLES = 10_000;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1) + ' MB';
const memory = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
};

let seed = 1;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};

// Leaf hashes as the ledger will have them: 32 bytes each, made beforehand so they are not timed.
const leaves = Array.from({ length: N }, (_, i) => createHash('sha256').update(`event ${i}`).digest());
const leafHashOf = (i: number) => new Uint8Array(createHash('sha256').update(Uint8Array.of(0)).update(leaves[i]!).digest());
const leafHashes = leaves.map((_, i) => leafHashOf(i));

const before = memory();
const log = merkleLog();
const [, appendMs] = time(() => leafHashes.forEach((h) => log.append(h)));
const logBytes = memory() - before;

const range = compactRange();
const [, rangeMs] = time(() => leafHashes.forEach((h) => range.append(h)));

const [root, rootMs] = time(() => log.root());
const [pastRoots, pastRootMs] = time(() => Array.from({ length: SAMPLES }, () => rand(N) + 1).map((s) => [s, log.root(s)] as const));

const claims = Array.from({ length: SAMPLES }, () => rand(N)).map((index) => ({ index, size: N, leafHash: leafHashes[index]!, root }));
const [proofs, proveMs] = time(() => claims.map((c) => log.inclusionProof(c.index)));
const [okIncl, verifyMs] = time(() => claims.every((c, i) => verifyInclusion({ ...c, proof: proofs[i]! }).ok));

const [cons, consMs] = time(() => pastRoots.map(([s]) => log.consistencyProof(s)));
const [okCons, consVerifyMs] = time(() => pastRoots.every(([s, r], i) => verifyConsistency({ size1: s, size2: N, root1: r, root2: root, proof: cons[i]! }).ok));

const avg = (xs: unknown[][]): number => xs.reduce((n, x) => n + x.length, 0) / xs.length;
const us = (ms: number, n = SAMPLES): string => ((ms * 1000) / n).toFixed(1) + ' µs';
console.log(`merkle log over ${N.toLocaleString('en')} leaves (node ${process.version})`);
console.log(`  merkleLog append        ${(N / appendMs / 1000).toFixed(2)} M leaves/s (${appendMs.toFixed(0)} ms), memory ${mb(logBytes)} (${(logBytes / N).toFixed(1)} B/leaf)`);
console.log(`  compactRange append     ${(N / rangeMs / 1000).toFixed(2)} M leaves/s, state ${range.toJSON().hashes.length} hashes; same root: ${Buffer.from(range.root()).equals(root)}`);
console.log(`  root (latest)           ${rootMs.toFixed(3)} ms; root of a past size: ${us(pastRootMs)}`);
console.log(`  inclusion proof         ${avg(proofs).toFixed(1)} hashes (${(avg(proofs) * 32).toFixed(0)} B), make ${us(proveMs)}, verify ${us(verifyMs)}; all verified: ${okIncl}`);
console.log(`  consistency proof       ${avg(cons).toFixed(1)} hashes, make ${us(consMs)}, verify ${us(consVerifyMs)}; all verified: ${okCons}`);
