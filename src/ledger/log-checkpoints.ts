import type { CheckpointRecorded } from '../domain/facts.js';
import { formatCheckpoint, parseCheckpoint, verifyCosignature, witnessKey, type LogCheckpoint } from '../seal/checkpoint.js';
import { bytesToHex } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import type { MerkleLog } from '../seal/merkle-log.js';
import { ed25519NoteSigner, logKeyVerifier, openNote, signNote, splitNote } from '../seal/note.js';
import { nodeVerifier, type Signer } from '../seal/signers.js';
import type { IntegrityChecker, IntegrityCode, IntegrityFinding } from '../seal/verify.js';

/** A checkpoint the log was held to, and how it fared. */
export interface HeldCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  /** The log still has this root over its first `size` entries, and the note verifies. */
  readonly held: boolean;
  /** Witnesses (key names) whose cosignature verified. */
  readonly witnessedBy: string[];
  readonly problem?: string;
}

/** A signed C2SP checkpoint of the first `size` entries of the log; the key name is the origin. */
export const signCheckpoint = (c: { origin: string; size: number; root: Uint8Array; signer: Signer }): string =>
  signNote(formatCheckpoint({ origin: c.origin, size: c.size, root: c.root, extensions: [] }), [ed25519NoteSigner(c.origin, c.signer)]);

interface Problem {
  readonly code: IntegrityCode;
  readonly message: string;
}

/** Opens a checkpoint note with every key the log trusted, as the note's origin names them. */
const openCheckpoint = (note: string, keys: readonly TrustedKey[], ledger: string | undefined): { checkpoint: LogCheckpoint } | Problem => {
  const split = splitNote(note);
  if (!split.ok) return { code: 'CHECKPOINT_INVALID', message: `not a signed note: ${split.reason}` };
  const parsed = parseCheckpoint(split.value.text);
  if (!parsed.ok) return { code: 'CHECKPOINT_INVALID', message: `not a checkpoint: ${parsed.reason}` };
  const checkpoint = parsed.value;
  if (ledger !== undefined && checkpoint.origin !== ledger) {
    return { code: 'CHECKPOINT_INVALID', message: `checkpoint of ledger "${checkpoint.origin}", not of this ledger ("${ledger}")` };
  }
  const verifiers = keys.map((k) => logKeyVerifier(checkpoint.origin, k.publicKey, nodeVerifier.verify));
  const opened = openNote(note, verifiers);
  if (!opened.ok) return { code: 'CHECKPOINT_INVALID', message: `checkpoint signature: ${opened.reason}` };
  return { checkpoint };
};

/** The log's own root over the checkpoint's first entries must be the checkpoint's. */
const compareRoot = (log: MerkleLog, checkpoint: LogCheckpoint): Problem | undefined => {
  if (checkpoint.size > log.size) {
    return { code: 'CHECKPOINT_MISMATCH', message: `the checkpoint covers ${checkpoint.size} entries but the log now has only ${log.size}: entries were deleted` };
  }
  const root = bytesToHex(log.root(checkpoint.size));
  const want = bytesToHex(checkpoint.root);
  if (root !== want) {
    return {
      code: 'CHECKPOINT_MISMATCH',
      message: `the first ${checkpoint.size} entries of the log have root ${root.slice(0, 12)}…, the checkpoint says ${want.slice(0, 12)}…: an entry in that part was deleted, inserted, reordered or rewritten`,
    };
  }
  return undefined;
};

/** A CheckpointRecorded in the log: a trusted key signed it, and the log still has its root. */
export const checkRecordedCheckpoint = (c: {
  log: MerkleLog;
  checker: IntegrityChecker;
  ledger: string | undefined;
  fact: CheckpointRecorded;
  keyId: string;
}): Problem | undefined => {
  const key = c.checker.allTrusted().find((k) => k.keyId === c.keyId);
  if (key === undefined) return { code: 'CHECKPOINT_INVALID', message: `recorded checkpoint signed by key "${c.keyId}", which is not trusted` };
  const opened = openCheckpoint(c.fact.note, [key], c.ledger);
  if ('code' in opened) return opened;
  const cp = opened.checkpoint;
  if (cp.size !== c.fact.size || bytesToHex(cp.root) !== c.fact.root) {
    return { code: 'CHECKPOINT_INVALID', message: `the recorded checkpoint's note (size ${cp.size}) does not match the fact (size ${c.fact.size}, root ${c.fact.root.slice(0, 12)}…)` };
  }
  return compareRoot(c.log, cp);
};

const findingOf = (p: Problem, index: number): IntegrityFinding => ({
  code: p.code,
  eventId: `(checkpoint ${index + 1})`,
  stream: '',
  revision: '',
  position: '',
  message: p.message,
});

/** Holds the whole log to checkpoints from outside it, each cosigned by every required witness. */
export const holdToCheckpoints = (c: {
  log: MerkleLog;
  checker: IntegrityChecker;
  ledger: string | undefined;
  notes: readonly string[];
  witnesses: readonly TrustedKey[];
}): { findings: IntegrityFinding[]; checkpoints: HeldCheckpoint[] } => {
  const findings: IntegrityFinding[] = [];
  const checkpoints: HeldCheckpoint[] = [];
  c.notes.forEach((note, i) => {
    const opened = openCheckpoint(note, c.checker.allTrusted(), c.ledger);
    if ('code' in opened) {
      findings.push(findingOf(opened, i));
      checkpoints.push({ origin: '', size: 0, root: '', held: false, witnessedBy: [], problem: opened.message });
      return;
    }
    const cp = opened.checkpoint;
    const problems: Problem[] = [];
    const mismatch = compareRoot(c.log, cp);
    if (mismatch !== undefined) problems.push(mismatch);
    const witnessedBy: string[] = [];
    for (const w of c.witnesses) {
      const cosigned = verifyCosignature(note, witnessKey(w.keyId, w.publicKey), nodeVerifier.verify);
      if (cosigned.ok) witnessedBy.push(w.keyId);
      else problems.push({ code: 'WITNESS_MISSING', message: `checkpoint of size ${cp.size} lacks a valid cosignature of witness "${w.keyId}": ${cosigned.reason}` });
    }
    for (const p of problems) findings.push(findingOf(p, i));
    checkpoints.push({
      origin: cp.origin,
      size: cp.size,
      root: bytesToHex(cp.root),
      held: problems.length === 0,
      witnessedBy,
      ...(problems.length === 0 ? {} : { problem: problems.map((p) => p.message).join('; ') }),
    });
  });
  return { findings, checkpoints };
};
