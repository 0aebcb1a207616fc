/**
 * The verifiable log at 1,000,000 events: what a proof costs and what verifying a log against a
 * signed checkpoint costs. `npm run bench:proofs [-- --leaves 1000000 --runs 5 --quick --json FILE]`.
 * Variants, interleaved by the harness: the SHA-256 ceilings (one node hash; a leaf hash and a node
 * hash, the least hashing an event costs a verifier); the ledger's merkleLog (append, proofs made
 * and verified, sizes); and a verifier holding a signed checkpoint of the whole log: it opens the
 * note, recomputes the root over the first N leaves (compact range) and compares, and checks a
 * consistency proof from an older checkpoint. The leaf data is what the ledger uses, an envelope
 * hash (32 bytes); computing those from the rows is the verify replay of bench:append.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { bytesEqual } from '../src/seal/bytes.js';
import { openCheckpoint, signCheckpoint } from '../src/seal/checkpoint.js';
import { compactRange } from '../src/seal/compact-range.js';
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../src/seal/merkle.js';
import { merkleLog, type MerkleLog } from '../src/seal/merkle-log.js';
import { ed25519NoteSigner, ed25519NoteVerifier, formatVerifierKey } from '../src/seal/note.js';
import { nodeSigner, nodeVerifier, randomSeed } from '../src/seal/signers.js';
import { HARNESS_OPTIONS, harnessArgs, runAndReport } from './harness-cli.js';
import type { RatioSpec, RunContext, Variant } from './harness.js';

const { values } = parseArgs({ options: { ...HARNESS_OPTIONS, leaves: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '10000' } } });
const args = harnessArgs(values);
const N = Number(values.leaves);
const SAMPLES = Number(values.samples);
/** The older checkpoint a verifier holds: 60% of the log. */
const OLDER = Math.max(1, Math.floor(N * 0.6));
const ORIGIN = 'bench.example/ledger';
const n = N.toLocaleString('en-US');

let seed = 1;
const rand = (k: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % k;
};

// The leaf data as the ledger has it, envelope hashes of 32 bytes, and their leaf hashes: made once, untimed.
const leafData = Array.from({ length: N }, (_, i) => new Uint8Array(createHash('sha256').update(`event ${i}`).digest()));
const leafHashes = leafData.map((d) => leafHash(d));
const indices = Array.from({ length: SAMPLES }, () => rand(N));
const pastSizes = Array.from({ length: SAMPLES }, () => rand(N) + 1);

const F = {
  node: 'SHA-256 node hash alone (ceiling)',
  leafNode: 'SHA-256 leaf + node hash alone (ceiling)',
  append: `merkleLog append, ${n} leaves`,
  pastRoot: 'root of a past size',
  inclMake: 'inclusion proof, make',
  inclVerify: 'inclusion proof, verify',
  inclSize: `inclusion proof size at ${n}`,
  consMake: 'consistency proof, make',
  consVerify: 'consistency proof, verify',
  consSize: `consistency proof size to ${n}`,
  memory: 'merkleLog memory a leaf',
  checkpoint: `verify ${n} events against a checkpoint`,
  openNote: 'open a signed checkpoint (its Ed25519 signature)',
  fromOlder: `consistency from the checkpoint at ${OLDER.toLocaleString('en-US')}`,
} as const;

const heapBytes = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** The ceilings: SHA-256 on the inputs the log hashes, by the function the log uses, nothing else. */
const ceilings: Variant = {
  name: 'SHA-256 ceilings',
  run: async (ctx) => {
    const left = leafHashes[0]!;
    const node = await ctx.time({ figure: F.node, count: N, unit: 'hashes' }, () => {
      let h = left;
      for (let i = 0; i < N; i++) h = nodeHash(h, leafHashes[i]!);
      return h;
    });
    await ctx.time({ figure: F.leafNode, count: N, unit: 'events' }, () => {
      let h = node;
      for (let i = 0; i < N; i++) h = nodeHash(h, leafHash(leafData[i]!));
      return h;
    });
  },
};

const proofs = async (ctx: RunContext, log: MerkleLog): Promise<void> => {
  const root = log.root();
  const inclusion = await ctx.time({ figure: F.inclMake, count: SAMPLES, unit: 'proof', kind: 'latency' }, () => indices.map((i) => log.inclusionProof(i)));
  const allIn = await ctx.time({ figure: F.inclVerify, count: SAMPLES, unit: 'proof', kind: 'latency' }, () =>
    indices.every((index, k) => verifyInclusion({ index, size: N, leafHash: leafHashes[index]!, root, proof: inclusion[k]! }).ok),
  );
  const pastRoots = await ctx.time({ figure: F.pastRoot, count: SAMPLES, unit: 'root', kind: 'latency' }, () => pastSizes.map((s) => log.root(s)));
  const consistency = await ctx.time({ figure: F.consMake, count: SAMPLES, unit: 'proof', kind: 'latency' }, () => pastSizes.map((s) => log.consistencyProof(s)));
  const allCons = await ctx.time({ figure: F.consVerify, count: SAMPLES, unit: 'proof', kind: 'latency' }, () =>
    pastSizes.every((size1, k) => verifyConsistency({ size1, size2: N, root1: pastRoots[k]!, root2: root, proof: consistency[k]! }).ok),
  );
  if (!allIn || !allCons) throw new Error('a proof the log made does not verify: the benchmark measures something broken');
  const mean = (xs: readonly unknown[][]) => xs.reduce((a, x) => a + x.length, 0) / xs.length;
  ctx.note(F.inclSize, mean(inclusion), 'hashes');
  ctx.note(F.consSize, mean(consistency), 'hashes');
};

const logVariant: Variant = {
  name: 'merkleLog',
  run: async (ctx) => {
    const before = heapBytes();
    const log = merkleLog();
    await ctx.time({ figure: F.append, count: N, unit: 'leaves' }, () => { for (const h of leafHashes) log.append(h); });
    ctx.note(F.memory, (heapBytes() - before) / N, 'bytes');
    await proofs(ctx, log);
  },
};

/**
 * A verifier with the log's N leaf data and a signed checkpoint of all N: opens the note with the
 * log's key, folds the leaves into a compact range (O(log n) memory), compares the roots; then,
 * holding an older checkpoint, checks the consistency proof the log hands it.
 */
const checkpointVariant: Variant = {
  name: 'verify against checkpoints',
  run: async (ctx) => {
    const signer = nodeSigner(randomSeed());
    const log = merkleLog();
    for (const h of leafHashes) log.append(h);
    const sign = (size: number) => signCheckpoint({ origin: ORIGIN, size, root: log.root(size), extensions: [] }, [ed25519NoteSigner(ORIGIN, signer)]);
    const [latest, older] = [sign(N), sign(OLDER)];
    const proof = log.consistencyProof(OLDER, N);
    // As the ledger opens them (verify, witness): node:crypto. The bundle verifier uses WebCrypto or tweetnacl.
    const verifiers = [ed25519NoteVerifier(formatVerifierKey(ORIGIN, signer.publicKey), nodeVerifier.verify)];
    const open = (note: string) => {
      const opened = openCheckpoint(note, { origin: ORIGIN, verifiers });
      if (!opened.ok) throw new Error(`the benchmark's checkpoint does not open: ${opened.reason}`);
      return opened.value.checkpoint;
    };
    const held = await ctx.time({ figure: F.checkpoint, count: N, unit: 'events' }, () => {
      const cp = open(latest);
      const range = compactRange();
      for (let i = 0; i < cp.size; i++) range.append(leafHash(leafData[i]!));
      return bytesEqual(range.root(), cp.root);
    });
    await ctx.time({ figure: F.openNote, count: 20, unit: 'note', kind: 'latency' }, () => { for (let k = 0; k < 20; k++) open(latest); });
    // Both notes opened (their signatures verified) and the proof checked, 20 times over for a steady time.
    const consistent = await ctx.time({ figure: F.fromOlder, count: 20, unit: 'check', kind: 'latency' }, () => {
      let ok = true;
      for (let k = 0; k < 20; k++) {
        const [a, b] = [open(older), open(latest)];
        ok &&= verifyConsistency({ size1: a.size, size2: b.size, root1: a.root, root2: b.root, proof }).ok;
      }
      return ok;
    });
    if (!held || !consistent) throw new Error('the log does not verify against its own checkpoints: the benchmark measures something broken');
  },
};

const ratios: RatioSpec[] = [
  { of: F.append, to: F.node, label: 'merkleLog append / node hash', ceiling: true },
  { of: F.checkpoint, to: F.leafNode, label: 'verify against a checkpoint / leaf + node hash', ceiling: true },
];

await runAndReport(
  {
    benchmark: 'bench:proofs',
    description: `a Merkle log of ${n} events (leaf data: 32-byte envelope hashes), ${SAMPLES.toLocaleString('en-US')} proofs of each kind a run, checkpoints C2SP signed notes (Ed25519)`,
    variants: [ceilings, logVariant, checkpointVariant],
    ratios,
  },
  args,
);
