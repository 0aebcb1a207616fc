import { describe, expect, it } from 'vitest';
import { renderAuditHtml } from '../../src/audit/html-audit.js';
import { renderSubjectHtml } from '../../src/audit/html-subject.js';
import { escapeHtml, html, toHtmlString, trusted } from '../../src/audit/html-template.js';
import { auditJson } from '../../src/cli/json.js';
import type { VerifyResult } from '../../src/ledger/verified-view.js';
import { complianceReport, policyAt, subjectReport, ruleOf } from '../../src/projection/index.js';
import { S1, collected, consented, disclosed, fold, t, used, withdrew } from '../projection/given.js';
import { HOSTILE_SUBJECT_ARG, PAYLOADS, hostileFacts } from './hostile.js';
import { figuresOf, valueAt } from './figures.js';

const integrity: VerifyResult = { store: 'memory', ledger: undefined, checked: 10, treeSize: 10, root: '00'.repeat(32), findings: [], keys: [], checkpoints: [] };

describe('html template', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const evil = `<a href="x" onclick='y'>&amp;</a>`;
    expect(toHtmlString(html`<p title="${evil}">${evil}</p>`)).toBe(
      `<p title="${escapeHtml(evil)}">&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;</p>`,
    );
    expect(toHtmlString(html`${[evil, ['<b>']]}`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;&lt;b&gt;');
  });

  it('passes markup through only when it was built as markup', () => {
    expect(toHtmlString(html`<div>${html`<b>${'<i>'}</b>`}${trusted('<hr>')}</div>`)).toBe('<div><b>&lt;i&gt;</b><hr></div>');
    // A look-alike object from data is not markup.
    expect(toHtmlString(html`${{ toString: () => '<b>' } as unknown as string}`)).not.toContain('<b>');
  });
});

describe('renderAuditHtml', () => {
  const c = collected({ at: t(0) });
  const state = fold([
    c,
    consented({ at: t(0, 1) }),
    used({ at: t(1) }),
    used({ at: t(1, 1), purpose: 'personalization' }),
    withdrew({ at: t(2) }),
    used({ at: t(3), purpose: 'personalization' }),
    disclosed({ at: t(4), reason: 'ad-sales', recipient: 'ad-network' }),
    disclosed({ at: t(25) }),
  ]);
  const report = complianceReport(state, t(40));
  const page = renderAuditHtml({ report, integrity, policy: policyAt(state, t(40)).policy, generatedAt: t(41) });

  it('is one file that loads nothing and runs nothing', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=/i);
    expect(page.match(/<svg /g)?.length).toBeGreaterThanOrEqual(4);
  });

  it('shows every figure the JSON report has, with the same value', () => {
    const json = auditJson(integrity, report);
    const figures = figuresOf(page);
    expect(figures.length).toBeGreaterThan(20);
    for (const f of figures) expect([f.path, f.value]).toEqual([f.path, valueAt(json, f.path)]);
    expect(figures.map((f) => f.path)).toEqual(expect.arrayContaining(['/summary/violations', '/summary/byCode/CONSENT_WITHDRAWN', '/integrity/checked']));
  });

  it('gives each violation its rule, its evidence and the prove command', () => {
    expect(report.violations.map((v) => v.code).sort()).toEqual(['CONSENT_WITHDRAWN', 'DISCLOSURE_NOT_NOTIFIED', 'DISCLOSURE_WITHOUT_REASON']);
    for (const v of report.violations) {
      expect(page).toContain(escapeHtml(ruleOf(v.code).text));
      expect(page).toContain(`privacy-ledger prove --event ${v.eventId} --out bundle-${v.eventId.slice(0, 8)}.json`);
      for (const e of v.evidence) expect(page).toContain(`<code>${e}</code>`);
    }
    expect(page).toContain('disclosureReasons = legal-obligation, court-order');
  });

  it('says when an integrity check failed, finding by finding', () => {
    const bad = renderAuditHtml({
      report,
      integrity: { store: 'memory', checked: 10, findings: [{ code: 'BAD_SIGNATURE', eventId: c.id, stream: 'subject-x', revision: '0', position: '0', message: 'signature does not verify' }] },
    });
    expect(bad).toContain('Integrity findings:');
    expect(bad).toContain('BAD_SIGNATURE');
    expect(page).not.toContain('Integrity findings:');
  });

  it('shows the log as verified and each checkpoint it was held to, one that failed named', () => {
    const root = 'ab'.repeat(32);
    const withCheckpoints = renderAuditHtml({
      report,
      integrity: {
        ...integrity,
        ledger: 'ledger.example/<x>',
        checkpoints: [
          { origin: 'ledger.example/<x>', size: 4, root, held: true, witnessedBy: ['w1'] },
          { origin: 'ledger.example/<x>', size: 9, root, held: false, witnessedBy: [], problem: 'the log has another root <here>' },
        ],
      },
    });
    expect(withCheckpoints).toContain('<h3>Log</h3>');
    expect(withCheckpoints).toContain('<tr><th>identity</th><td><code>ledger.example/&lt;x&gt;</code></td></tr>');
    expect(withCheckpoints).toContain('<h3>Checkpoints</h3>');
    expect(withCheckpoints).toContain('<span class="ok">yes</span></td><td>w1</td>');
    expect(withCheckpoints).toContain('<span class="bad">no</span>: the log has another root &lt;here&gt;');
    expect(page).toContain('Not held to a signed checkpoint');
  });

  it('shows every hostile string verbatim and as text only', () => {
    const hostile = fold(hostileFacts());
    const r = complianceReport(hostile, t(40));
    const out = renderAuditHtml({ report: r, integrity, policy: policyAt(hostile, t(40)).policy });
    expect(r.violations.length).toBeGreaterThan(0);
    for (const p of PAYLOADS) {
      if (/[<>"'&]/.test(p)) expect(out).not.toContain(p);
      expect(out).toContain(escapeHtml(p).slice(0, 30));
    }
    expect(out).not.toMatch(/<script|<img|<iframe|<svg onload/i);
    // No tag has an event handler, once attribute values (escaped data) are set aside.
    expect(out.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\son\w+\s*=/i);
  });
});

describe('renderSubjectHtml', () => {
  it('shows the subject’s figures as the JSON subject report has them', () => {
    const state = fold([collected({ at: t(0) }), used({ at: t(1) }), used({ at: t(2) }), disclosed({ at: t(3) }), consented({ at: t(0, 1) })]);
    const r = subjectReport(state, S1, t(10));
    const page = renderSubjectHtml(r);
    const figures = figuresOf(page);
    expect(figures.find((f) => f.path === '/used/*/count')?.value).toBe(2);
    for (const f of figures) expect([f.path, f.value]).toEqual([f.path, valueAt(r, f.path)]);
  });

  it('escapes a subject id given on the command line, for a subject the ledger does not know', () => {
    const page = renderSubjectHtml(subjectReport(fold([]), HOSTILE_SUBJECT_ARG, t(1)));
    expect(page).toContain('holds no fact about this subject');
    expect(page).not.toContain(HOSTILE_SUBJECT_ARG);
    expect(page).toContain(escapeHtml(HOSTILE_SUBJECT_ARG));
  });
});
