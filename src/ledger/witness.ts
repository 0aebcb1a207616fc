import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerError } from '../domain/errors.js';
import { cosign, openCheckpoint, type LogCheckpoint } from '../seal/checkpoint.js';
import { bytesToHex, hexToBytes, sha256Hex } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import { verifyConsistency } from '../seal/merkle.js';
import { logKeyVerifier, splitNote } from '../seal/note.js';
import { nodeVerifier, type Signer } from '../seal/signers.js';
import { parseCheckpoint } from '../seal/checkpoint.js';

/** What a witness remembers of one log: the last checkpoint it cosigned. */
export interface WitnessState {
  readonly origin: string;
  readonly size: number;
  /** Hex Merkle root at that size. */
  readonly root: string;
}

export interface WitnessRequest {
  /** The new checkpoint note, signed by the log. */
  readonly note: string;
  /** The log's public keys, as the witness was told them out of band. */
  readonly logKeys: readonly TrustedKey[];
  /** The witness's own key; its key id is its cosignature name. */
  readonly signer: Signer;
  /** Where the witness keeps its state, one file per origin. */
  readonly stateDir: string;
  /** Hands out a consistency proof (hex hashes) between two sizes of the log. The witness checks it itself. */
  readonly consistencyProof: (size1: number, size2: number) => Promise<string[]>;
  /** Seconds since the epoch for the cosignature. Default: now. */
  readonly now?: () => number;
}

export interface WitnessResult {
  /** The note with the witness's cosignature/v1 line added. */
  readonly note: string;
  readonly previous: WitnessState | undefined;
  readonly state: WitnessState;
}

/** A refusal is a LedgerError INTEGRITY (exit 3): the log forked, rolled back, or sent a bad proof or signature. */
const refuse = (message: string, details: Record<string, unknown> = {}): never => {
  throw new LedgerError('INTEGRITY', message, details);
};

const statePath = (dir: string, origin: string): string => join(dir, `${sha256Hex(origin).slice(0, 32)}.json`);

const readState = async (dir: string, origin: string): Promise<WitnessState | undefined> => {
  let text: string;
  try {
    text = await readFile(statePath(dir, origin), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LedgerError('INVALID_INPUT', `cannot read the witness state for ${origin}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const s = JSON.parse(text) as WitnessState;
  if (s.origin !== origin || !Number.isSafeInteger(s.size) || !/^[0-9a-f]{64}$/.test(s.root)) {
    throw new LedgerError('INVALID_INPUT', `the witness state for ${origin} is damaged; restore it from a backup, never start it afresh`);
  }
  return s;
};

/** Written to a temporary file and renamed: the state moves from one checkpoint to the next, never half-way. */
const writeState = async (dir: string, s: WitnessState): Promise<void> => {
  await mkdir(dir, { recursive: true });
  const path = statePath(dir, s.origin);
  await writeFile(`${path}.tmp`, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  await rename(`${path}.tmp`, path);
};

const openWithLogKeys = (note: string, keys: readonly TrustedKey[]): LogCheckpoint => {
  const split = splitNote(note);
  if (!split.ok) return refuse(`not a signed note: ${split.reason}`);
  const parsed = parseCheckpoint(split.value.text);
  if (!parsed.ok) return refuse(`not a checkpoint: ${parsed.reason}`);
  const origin = parsed.value.origin;
  const verifiers = keys.map((k) => logKeyVerifier(origin, k.publicKey, nodeVerifier.verify));
  const opened = openCheckpoint(note, { origin, verifiers });
  if (!opened.ok) return refuse(`the checkpoint is not signed by the log's key: ${opened.reason}`);
  return opened.value.checkpoint;
};

/**
 * A witness in the sense of C2SP tlog-witness: it cosigns a checkpoint only when it is
 * consistent with the last one it cosigned for that log — checked with a consistency proof it
 * verifies itself — and so refuses a fork (the log rewritten) or a rollback (the log cut back).
 */
export const witnessCheckpoint = async (req: WitnessRequest): Promise<WitnessResult> => {
  const cp = openWithLogKeys(req.note, req.logKeys);
  const root = bytesToHex(cp.root);
  const previous = await readState(req.stateDir, cp.origin);
  if (previous !== undefined) {
    if (cp.size < previous.size) {
      refuse(`rollback: ${cp.origin} now claims ${cp.size} entries, but this witness cosigned ${previous.size}`, { origin: cp.origin, size: previous.size });
    }
    if (cp.size === previous.size && root !== previous.root) {
      refuse(`fork: ${cp.origin} signed two different roots for size ${cp.size}`, { origin: cp.origin, size: cp.size });
    }
    if (cp.size > previous.size && previous.size > 0) {
      const proof = await req.consistencyProof(previous.size, cp.size);
      const checked = verifyConsistency({ size1: previous.size, size2: cp.size, root1: hexToBytes(previous.root), root2: cp.root, proof: proof.map(hexToBytes) });
      if (!checked.ok) {
        refuse(`fork: ${cp.origin} at ${cp.size} entries is not an extension of the ${previous.size} this witness cosigned (${checked.reason})`, {
          origin: cp.origin,
          size: previous.size,
        });
      }
    }
  }
  const timestamp = (req.now ?? (() => Math.floor(Date.now() / 1000)))();
  const note = cosign(req.note, { name: req.signer.keyId, publicKey: req.signer.publicKey, sign: (m) => req.signer.sign(m) }, timestamp);
  const state: WitnessState = { origin: cp.origin, size: cp.size, root };
  await writeState(req.stateDir, state);
  return { note, previous, state };
};
