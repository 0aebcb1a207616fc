import type { IntegrityFinding } from '../seal/verify.js';
import type { VerifyResult } from '../ledger/ledger.js';
import type { ComplianceReport, SubjectReport, ViolationCode } from '../projection/compliance-types.js';
import { RULE_CATALOGUE } from '../projection/rules-catalogue.js';
import type { ErasureDue } from '../projection/rules-retention.js';
import type { RegisteredKey } from '../ledger/key-registry.js';
import type { Explanation } from '../ledger/explain.js';
import type { Erasure } from '../ledger/erase.js';

/**
 * The JSON every command prints is an interface: each document names its `schemaVersion`
 * and `command`, and is described by schemas/<command>.schema.json. A change that could
 * break a reader raises the version.
 */
export const SCHEMA_VERSION = 1;

/** One integrity finding, its revision and position as numbers. */
export interface FindingJson extends Omit<IntegrityFinding, 'revision' | 'position'> {
  readonly revision: number | null;
  readonly position: number | null;
}

export interface IntegrityJson {
  readonly checked: number;
  readonly findings: readonly FindingJson[];
  /** The ledger's identity (its checkpoint origin), the Merkle log's size and root (hex) after the last entry. */
  readonly identity?: string | null;
  readonly treeSize?: number;
  readonly root?: string;
  /** The keys trusted along the log, and why. */
  readonly keys?: VerifyResult['keys'];
  /** The checkpoints the log was held to. */
  readonly checkpoints?: VerifyResult['checkpoints'];
}

const number = (s: string): number | null => (/^\d+$/.test(s) ? Number(s) : null);
const findingJson = (f: IntegrityFinding): FindingJson => ({ ...f, revision: number(f.revision), position: number(f.position) });
const integrityJson = (r: VerifyResult): IntegrityJson => ({
  checked: r.checked,
  findings: r.findings.map(findingJson),
  identity: r.ledger ?? null,
  treeSize: r.treeSize,
  root: r.root,
  keys: r.keys,
  checkpoints: r.checkpoints,
});

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/;
/** One timestamp form: UTC with Z, a fraction only when it is not zero (`…:28Z`, `…:28.5Z`). */
export const canonicalTime = (s: string): string => {
  const m = ISO.exec(s);
  if (!m) return s;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return `${m[1]}${fraction ? '.' + fraction : ''}Z`;
};

// A recorded fact (explain's `fact`) is quoted as recorded (sealed, or opened), its `at` as the writer gave it.
const withCanonicalTimes = (v: unknown): unknown => {
  if (typeof v === 'string') return canonicalTime(v);
  if (Array.isArray(v)) return v.map(withCanonicalTimes);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'fact' ? x : withCanonicalTimes(x)]));
  return v;
};

const document = <T extends object>(command: string, ledger: string, body: T) =>
  withCanonicalTimes({ schemaVersion: SCHEMA_VERSION, command, ledger, ...body });

export const verifyJson = (r: VerifyResult, trust: readonly string[]) => document('verify', r.store, { ...integrityJson(r), trust });

/** The catalogue entry of every rule a report names, so a reader of the JSON alone knows what each code means. */
const rulesNamed = (report: ComplianceReport) =>
  Object.fromEntries(Object.keys(report.summary.byCode).map((code) => {
    const { title, text, parameters } = RULE_CATALOGUE[code as ViolationCode];
    return [code, { title, text, parameters }];
  }));

export const auditJson = (integrity: VerifyResult, report: ComplianceReport) =>
  document('audit', integrity.store, { at: report.summary.at, integrity: integrityJson(integrity), ...report, rules: rulesNamed(report) });

export const retentionJson = (integrity: VerifyResult, at: string, due: readonly ErasureDue[]) =>
  document('retention', integrity.store, { at, integrity: integrityJson(integrity), due });

export const reportJson = (integrity: VerifyResult, report: SubjectReport) =>
  document('report', integrity.store, { integrity: integrityJson(integrity), ...report });


export const keysJson = (ledger: string, keys: readonly RegisteredKey[]) => document('keys', ledger, { keys });

/** What an erasure did, the subject named by its pseudonym only. */
export const eraseJson = (ledger: string, e: Erasure) =>
  document('erase', ledger, { pseudonym: e.pseudonym, eventId: e.recorded.id, destroyedKeys: e.destroyedKeys });

export const explainJson = (ledger: string, e: Explanation) => {
  const { integrity, ...rest } = e;
  return document('explain', ledger, { ...rest, integrity: { checked: integrity.checked, findings: integrity.findings.map(findingJson) } });
};
