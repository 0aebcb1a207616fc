// Builds test/vectors/checkpoints.json from fixed seeds and a fixed leaf set, so that another
// implementation can check its hashing, proofs, notes and cosignatures against ours.
// test/seal/vectors.test.ts checks the committed file equals this output; to regenerate:
//   REGENERATE_VECTORS=1 npx vitest run test/seal/vectors.test.ts
import { base64Decode, base64Encode, hexEncode, utf8Encode } from '../../src/seal/bytes.js';
import { cosign, cosignatureKeyHash, formatCheckpoint, signCheckpoint } from '../../src/seal/checkpoint.js';
import { leafHash, sha256Bytes } from '../../src/seal/merkle.js';
import { merkleLog } from '../../src/seal/merkle-log.js';
import { ed25519NoteSigner, formatVerifierKey } from '../../src/seal/note.js';
import { naclSigner } from '../../src/seal/signers.js';

export const ORIGIN = 'example.org/privacy-ledger/test-vectors';
export const WITNESS = 'witness.example.org/test-vectors';
const LOG_SEED = sha256Bytes(utf8Encode('privacy-ledger test vectors: log key'));
const WITNESS_SEED = sha256Bytes(utf8Encode('privacy-ledger test vectors: witness key'));
const LEAVES = 21;
const CHECKPOINT_SIZES = [0, 1, 7, 8, 21];
const PROOF_SIZES = [7, 8, 21];
const TIME = 1_767_225_600; // 2026-01-01T00:00:00Z

const hex = hexEncode;

/** A copy of a note with one base64 signature field changed at byte `at` of the given line. */
const flipSignatureByte = (note: string, lineIndex: number, at: number): string => {
  const lines = note.split('\n');
  const [dash, name, b64] = lines[lineIndex]!.split(' ') as [string, string, string];
  const raw = base64Decode(b64)!;
  raw[at]! ^= 0x01;
  lines[lineIndex] = `${dash} ${name} ${base64Encode(raw)}`;
  return lines.join('\n');
};

export const generateVectors = (): unknown => {
  const logKey = naclSigner(LOG_SEED);
  const witnessKey = naclSigner(WITNESS_SEED);
  const signer = ed25519NoteSigner(ORIGIN, logKey);
  const witness = { ...witnessKey, name: WITNESS };
  const data = Array.from({ length: LEAVES }, (_, i) => sha256Bytes(utf8Encode(`privacy-ledger test vector event ${i}`)));
  const log = merkleLog();
  data.forEach((d) => log.append(leafHash(d)));

  const checkpoints = CHECKPOINT_SIZES.map((size, i) => {
    const cp = { origin: ORIGIN, size, root: log.root(size), extensions: [] };
    const note = signCheckpoint(cp, [signer]);
    const timestamp = TIME + 3600 * i;
    return { size, root: hex(cp.root), body: formatCheckpoint(cp), note, timestamp, cosigned: cosign(note, witness, timestamp) };
  });
  const inclusion = PROOF_SIZES.flatMap((size) =>
    Array.from({ length: size }, (_, index) => ({
      index, size, leafHash: hex(log.leafHash(index)), root: hex(log.root(size)), proof: log.inclusionProof(index, size).map(hex),
    })));
  const consistency = PROOF_SIZES.flatMap((size2) =>
    Array.from({ length: size2 }, (_, i) => ({
      size1: i + 1, size2, root1: hex(log.root(i + 1)), root2: hex(log.root(size2)), proof: log.consistencyProof(i + 1, size2).map(hex),
    })));

  const cp8 = checkpoints[3]!;
  const cp21 = checkpoints[4]!;
  const witnessLine = cp8.cosigned.slice(cp8.note.length);
  const mustReject = [
    { desc: 'size changed after signing', verifier: 'log', note: cp8.note.replace('\n8\n', '\n9\n') },
    { desc: 'root changed after signing', verifier: 'log', note: cp8.note.replace(base64Encode(log.root(8)), base64Encode(log.root(7))) },
    { desc: 'origin changed after signing (and the key name with it)', verifier: 'log', note: cp8.note.replaceAll(ORIGIN, ORIGIN + '2') },
    { desc: 'signature byte changed', verifier: 'log', note: flipSignatureByte(cp8.note, 4, 10) },
    { desc: 'signed by another key under the log name', verifier: 'log', note: signCheckpoint({ origin: ORIGIN, size: 8, root: log.root(8), extensions: [] }, [ed25519NoteSigner(ORIGIN, witnessKey)]) },
    { desc: 'no final newline', verifier: 'log', note: cp8.note.slice(0, -1) },
    { desc: 'cosignature timestamp changed', verifier: 'witness', note: flipSignatureByte(cp8.cosigned, 5, 11) },
    { desc: 'cosignature moved to another checkpoint', verifier: 'witness', note: cp21.note + witnessLine },
    { desc: 'no cosignature', verifier: 'witness', note: cp8.note },
  ];

  return {
    about: 'privacy-ledger verifiable-log test vectors (docs/verifiable-log.md). RFC 9162 Merkle tree over SHA-256: '
      + 'leafHash = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right). Leaf data here is 32 bytes, as in the ledger '
      + '(the SHA-256 hash of each envelope). Checkpoints are C2SP tlog-checkpoint signed notes (Ed25519); cosigned notes add one '
      + 'C2SP cosignature/v1 line. Hashes are hex outside notes; indices are 0-based. Seeds are raw Ed25519 seeds (RFC 8032).',
    log: {
      origin: ORIGIN, seed: hex(LOG_SEED), publicKey: hex(logKey.publicKey), keyHash: signer.keyHash,
      verifierKey: formatVerifierKey(ORIGIN, logKey.publicKey),
    },
    witness: {
      name: WITNESS, seed: hex(WITNESS_SEED), publicKey: hex(witnessKey.publicKey), keyHash: cosignatureKeyHash(WITNESS, witnessKey.publicKey),
      verifierKey: formatVerifierKey(WITNESS, witnessKey.publicKey, 4),
    },
    leaves: data.map((d, i) => ({ data: hex(d), leafHash: hex(log.leafHash(i)) })),
    rootsBySize: Array.from({ length: LEAVES + 1 }, (_, n) => hex(log.root(n))),
    checkpoints,
    inclusion,
    consistency,
    mustReject,
  };
};

export const vectorsText = (): string => JSON.stringify(generateVectors(), null, 2) + '\n';
