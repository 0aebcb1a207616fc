import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { demoWorkload } from '../../src/cli/demo/workload.js';
import { decodeFact, type Fact } from '../../src/domain/facts.js';
import { seedPolicy } from '../../src/domain/policy.js';
import { RULE_CATALOGUE, VIOLATION_CODES, complianceReport, parameterValues, ruleOf, rulesJudging, rulesMarkdownTable } from '../../src/projection/index.js';
import { fold } from './given.js';

describe('the rule catalogue', () => {
  it('has one entry per violation code, in the order of VIOLATION_CODES, each with a title and a rule', () => {
    expect(Object.keys(RULE_CATALOGUE)).toEqual([...VIOLATION_CODES]);
    for (const code of VIOLATION_CODES) {
      const r = ruleOf(code);
      expect(r.code).toBe(code);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.text).toMatch(/^[A-Z].{20,}\.$/);
    }
    const titles = VIOLATION_CODES.map((c) => ruleOf(c).title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('names RECORDED_LATE, judged by the ledger tolerance', () => {
    expect(ruleOf('RECORDED_LATE').title).toBe('Recorded late');
    expect(ruleOf('RECORDED_LATE').parameters).toEqual([expect.objectContaining({ name: 'tolerance', source: 'ledger' })]);
  });

  it('gives policy parameters their value in a policy, and only names the ones it cannot know', () => {
    expect(parameterValues('DISCLOSURE_NOT_NOTIFIED', seedPolicy)).toEqual(['disclosureNoticeDays = 30']);
    expect(parameterValues('DISCLOSURE_WITHOUT_REASON', seedPolicy)[0]).toContain('court-order, government-request');
    expect(parameterValues('DISCLOSURE_NOT_NOTIFIED', undefined)).toEqual(['disclosureNoticeDays (policy)']);
    expect(parameterValues('RECORDED_LATE', seedPolicy)).toEqual(['tolerance (ledger)']);
  });

  it('is what the README table says, row for row', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const rows = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => /^\| `[A-Z_]+` \|/.test(l));
    expect(rows(readme)).toEqual(rows(rulesMarkdownTable()));
    expect(rows(readme)).toHaveLength(VIOLATION_CODES.length);
  });

  it('says which fact types each rule judges, and the demo raises every violation on one of them', () => {
    expect(rulesJudging('DataUsed').map((r) => r.code)).toEqual(expect.arrayContaining(['PURPOSE_NOT_DECLARED', 'CONSENT_WITHDRAWN', 'RECORDED_LATE']));
    expect(rulesJudging('DataUsed').map((r) => r.code)).not.toContain('ACCESS_WITHOUT_GRANT');
    const w = demoWorkload({ subjects: 30, endAt: Date.parse('2026-11-01T00:00:00Z') });
    const facts: Fact[] = w.facts.map((input) => {
      const r = decodeFact(input);
      if (E.isLeft(r)) throw new Error('the demo workload holds an invalid fact');
      return r.right;
    });
    const typeOf = new Map(facts.map((f) => [f.id!, f.type]));
    const report = complianceReport(fold(facts), w.auditAt);
    expect(new Set(report.violations.map((v) => v.code)).size).toBeGreaterThanOrEqual(10);
    for (const v of report.violations) expect([v.code, ruleOf(v.code).judges]).toEqual([v.code, expect.arrayContaining([typeOf.get(v.eventId)])]);
  });
});
