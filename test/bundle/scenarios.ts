// Ledgers that give each verdict kind a bundle can prove, recorded live on a manual clock
// (each fact recorded a second after it happened), for the round-trip and refusal suites.
import type { FactInput } from '../../src/domain/facts.js';
import { openLedger, type Ledger } from '../../src/ledger/ledger.js';
import type { TrustedKey } from '../../src/seal/keys.js';
import { nodeSigner, type Signer } from '../../src/seal/signers.js';
import type { SigningMode } from '../../src/seal/envelope.js';
import { memoryStore } from '../../src/store/memory.js';
import { manualClock } from '../helpers/clock.js';

export interface Scenario {
  readonly ledger: Ledger;
  readonly signer: Signer;
  /** The judged fact's id. */
  readonly judged: string;
  /** Every fact's id, in the order recorded. */
  readonly ids: readonly string[];
}

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
export const scenarioSigner = (): Signer => nodeSigner(SEED, 'ops-2026');

const subject = 'u-7';
const day = (n: number, h = 9): string => `2026-03-${String(n).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;

export const collected = (purposes: string[] = ['provide-service'], at = day(2)): FactInput => ({
  type: 'DataCollected', at, subject, categories: ['user.contact.email'], source: 'proactive-submission', purposes, policyVersion: 'seed-1', actor: 'signup',
});
export const used = (purpose: string, at = day(5)): FactInput => ({ type: 'DataUsed', at, subject, categories: ['user.contact.email'], purpose, actor: 'mailer' });
export const disclosed = (reason: string, extra: Partial<Record<string, string>> = {}, at = day(6)): FactInput =>
  ({ type: 'DataDisclosed', at, subject, categories: ['user.contact.email'], recipient: 'tax-office', reason, actor: 'billing', ...extra }) as FactInput;
export const accessed = (at = day(6)): FactInput => ({ type: 'PersonnelAccessed', at, staff: 'staff-3', subject, categories: ['user.contact.email'], purpose: 'provide-service' });
export const granted = (at = day(3)): FactInput => ({
  type: 'AccessGranted', at, staff: 'staff-3', categories: ['user.contact'], purposes: ['provide-service'], confidentialityRef: 'NDA-3', actor: 'security',
});
export const consent = (purposes: string[], at = day(3)): FactInput => ({ type: 'ConsentGranted', at, subject, purposes, policyVersion: 'seed-1', method: 'web-form' });
export const withdrawn = (purposes: string[], at = day(4)): FactInput => ({ type: 'ConsentWithdrawn', at, subject, purposes });
export const assessed = (purpose: string, at = day(3)): FactInput => ({ type: 'PurposeAssessed', at, purpose, compatibleWith: ['provide-service'], compatible: true, actor: 'dpo' });
export const erasure = (at = day(4)): FactInput => ({ type: 'ErasureRequested', at, subject });
export const noise = (n: number, at = day(3)): FactInput => ({ type: 'DataCollected', at, subject: `u-${100 + n}`, categories: ['user.device.ip_address'], source: 'service-record', purposes: ['service-optimization'], policyVersion: 'seed-1', actor: 'edge' });

/**
 * Records `facts` one call each (or `batch` in one call), each a second after its `at`; the
 * last fact is the judged one unless `judge` names another index.
 */
export const scenario = async (facts: readonly FactInput[], opts: { signing?: SigningMode; judge?: number; batch?: boolean; lateMs?: number } = {}): Promise<Scenario> => {
  const clock = manualClock(day(1, 8));
  const signer = scenarioSigner();
  const ledger = await openLedger({ store: memoryStore(), signer, clock: clock.now, origin: 'example.org/bundle-tests', ...(opts.signing ? { signing: opts.signing } : {}) });
  const ids: string[] = [];
  const recordedAt = (f: FactInput): number => Date.parse(f.at) + 1000;
  if (opts.batch === true) {
    clock.set(Math.max(...facts.map(recordedAt)));
    for (const r of await ledger.record([...facts])) ids.push(r.id);
  } else {
    for (const [i, f] of facts.entries()) {
      clock.set(recordedAt(f) + (i === facts.length - 1 ? opts.lateMs ?? 0 : 0));
      const [r] = await ledger.record(f);
      ids.push(r!.id);
    }
  }
  clock.set(day(20));
  return { ledger, signer, judged: ids[opts.judge ?? ids.length - 1]!, ids };
};

export const trustOf = (signer: Signer): TrustedKey[] => [{ keyId: signer.keyId, publicKey: signer.publicKey }];
