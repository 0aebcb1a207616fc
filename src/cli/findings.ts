import type { VerifyResult } from '../ledger/verified-view.js';
import { escapeForDisplay } from '../audit/escape.js';
import type { IntegrityFinding } from '../seal/verify.js';

/** One line per integrity finding, the event named: the same in verify, audit and demo. */
export const printFindings = (findings: readonly IntegrityFinding[], out: (line: string) => void): void => {
  for (const f of findings) out(escapeForDisplay(`${f.code}  event ${f.eventId}  (${f.stream} #${f.revision})  ${f.message}`));
};

/** Which keys the verification trusted and why, and how each checkpoint held. */
export const printTrust = (result: VerifyResult, givenKeys: number, out: (line: string) => void): void => {
  out(givenKeys > 0 ? `trusting the ${givenKeys} key file(s) given, and keys they endorse:` : "trusting the ledger's first key as its root (pass --trust FILE.pub to trust only your own), and keys it endorses:");
  for (const k of result.keys) out(`  key ${k.keyId}: ${k.ground}${k.revoked ? ' (revoked since)' : ''}`);
  for (const c of result.checkpoints) {
    out(c.held
      ? `  checkpoint ${c.origin} at ${c.size} entries holds` + (c.witnessedBy.length ? `, cosigned by ${c.witnessedBy.join(', ')}` : '')
      : `  checkpoint at ${c.size} entries does NOT hold: ${c.problem}`);
  }
};
