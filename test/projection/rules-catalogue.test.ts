import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedPolicy } from '../../src/domain/policy.js';
import { RULE_CATALOGUE, VIOLATION_CODES, parameterValues, ruleOf, rulesMarkdownTable } from '../../src/projection/index.js';

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
});
