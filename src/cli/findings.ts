import { escapeForDisplay } from '../audit/escape.js';
import type { IntegrityFinding } from '../seal/verify.js';

/** One line per integrity finding, the event named: the same in verify, audit and demo. */
export const printFindings = (findings: readonly IntegrityFinding[], out: (line: string) => void): void => {
  for (const f of findings) out(escapeForDisplay(`${f.code}  event ${f.eventId}  (${f.stream} #${f.revision})  ${f.message}`));
};
