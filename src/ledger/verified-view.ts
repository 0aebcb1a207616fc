import type { CheckpointRecorded } from '../domain/facts.js';
import type { Envelope } from '../seal/envelope.js';
import { checkedHexBytes } from '../seal/hash.js';
import type { TrustedKey } from '../seal/keys.js';
import { leafHash } from '../seal/merkle.js';
import { merkleLog, type MerkleLog } from '../seal/merkle-log.js';
import { integrityChecker, type IntegrityChecker, type IntegrityFinding, type KeyTrust } from '../seal/verify.js';
import type { EventStore, Position, RecordedEvent } from '../store/port.js';
import { applyCompliance, initialComplianceState, type ComplianceOptions, type ComplianceState } from '../projection/compliance.js';
import { checkRecordedCheckpoint, holdToCheckpoints, type HeldCheckpoint } from './log-checkpoints.js';

export interface VerifiedViewOptions {
  readonly store: EventStore;
  /** Keys trusted from outside the ledger; without any, the log's first key is its root of trust. */
  readonly trust?: readonly TrustedKey[];
  /** The ledger's identity when known; else that of the first envelope. */
  readonly ledger?: string;
  readonly compliance?: Partial<ComplianceOptions>;
  /** Signed checkpoints (note texts) the log must still contain as its prefix. */
  readonly checkpoints?: readonly string[];
  /** Witnesses whose cosignature every given checkpoint must carry. */
  readonly witnesses?: readonly TrustedKey[];
  readonly clockToleranceMs?: number;
  /** Skip the compliance fold (verify only). */
  readonly fold?: boolean;
  /** Called with the state just before each envelope is folded into it (record() takes verdicts there). */
  readonly beforeFold?: (state: ComplianceState, envelope: Envelope) => void;
  /**
   * Called with every envelope read, in store order, as soon as it decodes: also one with a
   * finding, which is never folded (explain finds its event there, audit the erasures and what
   * the key store opens). A promise it returns is awaited before the next row is read.
   */
  readonly onRead?: (envelope: Envelope) => void | Promise<void>;
}

/** What a full verification found. */
export interface VerifyResult {
  readonly store: string;
  readonly ledger: string | undefined;
  readonly checked: number;
  /** The Merkle log's size and root (hex) after the last entry read. */
  readonly treeSize: number;
  readonly root: string;
  readonly findings: IntegrityFinding[];
  /** Every key trusted along the log, and on what ground. */
  readonly keys: KeyTrust[];
  /** The checkpoints the log was held to, each with whether it held. */
  readonly checkpoints: HeldCheckpoint[];
}

/**
 * One verified catch-up over the log, serving verify, audit and the live queries alike: every
 * entry is checked (signature, chain, trust, place), becomes the next leaf of the Merkle log,
 * and — once its signature has been checked — is folded into the compliance view. Events with
 * a finding are never folded: nothing unverified becomes a proof.
 */
export interface VerifiedView {
  readonly state: ComplianceState;
  readonly log: MerkleLog;
  readonly checker: IntegrityChecker;
  readonly position: Position | undefined;
  /** Reads what the store holds after the last entry read; `onProgress` every 10,000 entries. */
  catchUp(onProgress?: (checked: number) => void): Promise<void>;
  /** Findings so far, including unsigned entries no signature covers yet. */
  problems(): readonly IntegrityFinding[];
  /** Ends the verification: held checkpoints beyond the log's end are findings; sorted findings. */
  finish(): Promise<VerifyResult>;
  /** The leaf index of the envelope with this hash (a scan of the leaves, for inclusion proofs). */
  leafIndexOf(envelopeHash: string): number | undefined;
}

const FOLD_BATCH = 512;
const ZERO_HASH = new Uint8Array(32);

/** The leaf data of a stored row: its envelope hash as claimed (a changed body is HASH_MISMATCH, not a changed leaf). */
const leafDataOf = (ev: RecordedEvent, env: Envelope | undefined): Uint8Array => {
  if (env !== undefined) return checkedHexBytes(env.hash);
  const claimed = (ev.data as { hash?: unknown } | null)?.hash;
  return typeof claimed === 'string' && /^[0-9a-f]{64}$/.test(claimed) ? checkedHexBytes(claimed) : ZERO_HASH;
};

export const verifiedView = (options: VerifiedViewOptions): VerifiedView => {
  const { store } = options;
  const checker = integrityChecker({
    trust: options.trust ?? [],
    ...(options.ledger === undefined ? {} : { ledger: options.ledger }),
    ...(options.clockToleranceMs === undefined ? {} : { clockToleranceMs: options.clockToleranceMs }),
  });
  const state = initialComplianceState(options.compliance ?? {});
  const log = merkleLog();
  const fold = options.fold ?? true;
  let position: Position | undefined;
  let buffered: Envelope[] = [];
  const recorded: { env: Envelope; fact: CheckpointRecorded; index: number; ev: RecordedEvent }[] = [];

  /** Folds the buffered envelopes once their signatures are settled, leaving out any with a finding. */
  const drain = async (): Promise<void> => {
    await checker.settle();
    if (buffered.length === 0) return;
    const bad = new Set(checker.findings().map((f) => f.eventId));
    if (fold) {
      for (const env of buffered) {
        if (bad.has(env.id)) continue;
        options.beforeFold?.(state, env);
        applyCompliance(state, env);
      }
    }
    buffered = [];
  };

  const catchUp = async (onProgress?: (checked: number) => void): Promise<void> => {
    for await (const ev of store.readAll(position === undefined ? {} : { after: position })) {
      const env = await checker.check(ev);
      const index = log.append(leafHash(leafDataOf(ev, env)));
      position = ev.position;
      if (env !== undefined) {
        const seen = options.onRead?.(env);
        if (seen !== undefined) await seen;
        if (env.fact.type === 'CheckpointRecorded') recorded.push({ env, fact: env.fact, index, ev });
        buffered.push(env);
        if (buffered.length >= FOLD_BATCH) await drain();
      }
      if (onProgress !== undefined && checker.checked % 10_000 === 0) onProgress(checker.checked);
    }
    await drain();
    // Checkpoints the ledger recorded are checked once the keys that signed them are known.
    for (const r of recorded.splice(0)) {
      const f = checkRecordedCheckpoint({ log, checker, ledger: checker.ledger, fact: r.fact, keyId: r.env.keyId });
      if (f !== undefined) checker.add({ code: f.code, eventId: r.env.id, stream: r.ev.stream, revision: r.ev.revision.toString(), position: r.ev.position.toString(), message: f.message });
    }
  };

  const problems = (): readonly IntegrityFinding[] =>
    checker.uncovered() === 0 ? checker.findings() : [...checker.findings(), ...uncoveredFindings()];

  const uncoveredFindings = (): IntegrityFinding[] => [
    { code: 'BAD_SIGNATURE', eventId: '(several)', stream: '', revision: '', position: '', message: `${checker.uncovered()} unsigned envelope(s) not covered by any later signature in their stream` },
  ];

  const finish = async (): Promise<VerifyResult> => {
    await drain();
    const held = holdToCheckpoints({ log, checker, ledger: checker.ledger, notes: options.checkpoints ?? [], witnesses: options.witnesses ?? [] });
    for (const f of held.findings) checker.add(f);
    const findings = await checker.finish();
    const root = log.root();
    return {
      store: store.name,
      ledger: checker.ledger,
      checked: checker.checked,
      treeSize: log.size,
      root: Buffer.from(root).toString('hex'),
      findings,
      keys: checker.trustedKeys(),
      checkpoints: held.checkpoints,
    };
  };

  return {
    state,
    log,
    checker,
    get position() {
      return position;
    },
    catchUp,
    problems,
    finish,
    leafIndexOf: (envelopeHash) => {
      const want = leafHash(checkedHexBytes(envelopeHash));
      for (let i = 0; i < log.size; i++) if (Buffer.compare(log.leafHash(i), want) === 0) return i;
      return undefined;
    },
  };
};
