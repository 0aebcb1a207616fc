/**
 * A ledger whose caller-supplied strings are written to break out of HTML, SVG, CSV and
 * attribute contexts: a report must show each of them verbatim and run none of them.
 */
import type { Fact } from '../../src/domain/facts.js';
import { S1, collected, consented, disclosed, fact, published, t, used } from '../projection/given.js';

export const PAYLOADS = [
  '<script>window.pwned=1</script>',
  '"><img src=x onerror="window.pwned=2">',
  "'><svg onload=window.pwned=3>",
  '</style></title><iframe src="https://example.com/"></iframe>',
  '=HYPERLINK("https://example.com/?leak","click")',
  'a,b "quoted"; next line & more',
] as const;

export const HOSTILE_SUBJECT_ARG = '<img src=x onerror="window.pwned=9">';

export const hostileFacts = (): Fact[] => [
  published({ version: PAYLOADS[3], purposes: ['provide-service', PAYLOADS[2]], disclosureReasons: ['legal-obligation', PAYLOADS[1]] }, t(0)),
  collected({ at: t(0, 1), purposes: ['provide-service', PAYLOADS[2]] }),
  consented({ at: t(0, 2), purposes: [PAYLOADS[0]] }),
  used({ at: t(1), purpose: PAYLOADS[0] }),
  used({ at: t(1, 2) }),
  used({ at: t(1, 1), purpose: PAYLOADS[5] }),
  disclosed({ at: t(2), recipient: PAYLOADS[0], reason: PAYLOADS[1] }),
  disclosed({ at: t(2, 1), recipient: PAYLOADS[4], reason: PAYLOADS[5] }),
  fact({ type: 'DataDisclosed', at: t(3), subject: S1, categories: ['user.contact.email'], recipient: PAYLOADS[1], reason: 'court-order', actor: 'legal', legalRef: PAYLOADS[3] }),
];
