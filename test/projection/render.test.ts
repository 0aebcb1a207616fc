import { describe, expect, it } from 'vitest';
import { renderAuditTable, renderSubjectReport } from '../../src/audit/render.js';
import { complianceReport, ruleOf, subjectReport } from '../../src/projection/index.js';
import { S1, collected, consented, disclosed, fold, t, used } from './given.js';

describe('renderAuditTable', () => {
  const d = disclosed({ reason: 'ad-sales', recipient: 'ad-network', at: t(2) });
  const pending = disclosed({ reason: 'legal-obligation', at: t(25) });
  const state = fold([
    collected({ at: t(0) }),
    consented({ purposes: ['personalization'], at: t(0, 1) }),
    used({ at: t(1) }),
    used({ at: t(1, 1) }),
    used({ purpose: 'personalization', at: t(1, 2) }),
    used({ purpose: 'marketing-emails', at: t(1, 3) }),
    d,
    pending,
  ]);
  const text = renderAuditTable(complianceReport(state, t(40)));

  it('counts uses per purpose with their bases, and disclosures per reason', () => {
    expect(text).toMatch(/^ {2}provide-service +2 +2 +0 +0 +0$/m);
    expect(text).toMatch(/^ {2}personalization +1 +0 +0 +1 +0$/m);
    expect(text).toMatch(/^ {2}marketing-emails +1 +0 +0 +0 +1$/m);
    expect(text).toMatch(/^ {2}ad-sales +NO +1 +0 +0 +1 +1$/m);
    expect(text).toMatch(/^ {2}legal-obligation +yes +1 +0 +1 +0 +0$/m);
  });

  it('lists each violation with its message and evidence, and the rule it breaks', () => {
    expect(text).toContain('Violations (3)');
    expect(text).toContain(ruleOf('RECONSENT_REQUIRED').text);
    expect(text).toContain(ruleOf('RECONSENT_REQUIRED').title);
    expect(text).toMatch(new RegExp(`DISCLOSURE_WITHOUT_REASON .* event ${d.id}`));
    expect(text).toMatch(/evidence: [0-9a-f-]{36}/);
  });

  it('lists open obligations with their due date', () => {
    expect(text).toMatch(new RegExp(`due 2026-04-25 00:00 {2}disclosure-notice {2}subject ${S1}: Notify`));
  });

  it('says so when there is nothing to report', () => {
    const empty = renderAuditTable(complianceReport(fold([]), t(1)));
    expect(empty).toContain('Violations: none');
    expect(empty).toContain('Open obligations: none');
  });
});

describe('renderSubjectReport', () => {
  it('shows what was collected, used (with basis and proof), disclosed and consented', () => {
    const c = collected({ at: t(0) });
    const state = fold([c, used({ at: t(1) }), used({ at: t(2) }), disclosed({ at: t(3) }), consented({ at: t(0, 1) })]);
    const text = renderSubjectReport(subjectReport(state, S1, t(10)));
    expect(text).toContain(`Subject access report for ${S1}`);
    expect(text).toContain(`user.contact for provide-service  (proactive-submission, policy seed-1)  event ${c.id.slice(0, 8)}`);
    expect(text).toMatch(/Used \(2\)\n {2}2026-03-02 00:00 … 2026-03-03 00:00, 2 times {2}user\.contact\.email for provide-service: lawful, collection-purpose \(proof DataCollected [0-9a-f]{8}\)/);
    expect(text).toMatch(/to tax-office for legal-obligation: lawful; notice pending \(due 2026-04-03 00:00\)/);
    expect(text).toContain('granted personalization');
    expect(text).toContain('Violations: none');
  });

  it('says when the ledger knows nothing about the subject', () => {
    expect(renderSubjectReport(subjectReport(fold([]), 'nobody', t(1)))).toMatch(/holds no fact about this subject/);
  });
});
