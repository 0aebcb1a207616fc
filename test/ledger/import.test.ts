import { describe, expect, it } from 'vitest';
import { parseFactLines } from '../../src/ledger/import.js';
import { sampleFacts } from '../fixtures/facts.js';

const { DataCollected, DataUsed } = sampleFacts;
const lines = (...facts: object[]) => facts.map((f) => JSON.stringify(f)).join('\n') + '\n';
const use = (day: number) => ({ ...DataUsed, at: `2026-03-${String(day).padStart(2, '0')}T09:00:00Z` });

describe('parseFactLines: derived ids', () => {
  it('survive an edit of the file: fixing, removing or adding other lines leaves every other id as it was', () => {
    const original = parseFactLines(lines(DataCollected, use(2), { ...use(3), purpose: 'personalisation ' }, use(4)));
    const fixed = parseFactLines(lines(DataCollected, use(2), { ...use(3), purpose: 'personalization' }, use(4)));
    const shortened = parseFactLines(lines(use(4), DataCollected));
    const ids = (p: typeof original) => p.facts.map((f) => f.id);
    expect(ids(fixed)[0]).toBe(ids(original)[0]);
    expect(ids(fixed)[1]).toBe(ids(original)[1]);
    expect(ids(fixed)[3]).toBe(ids(original)[3]);
    expect(ids(fixed)[2]).not.toBe(ids(original)[2]); // the fixed fact is another fact
    expect(ids(shortened)).toEqual([ids(original)[3], ids(original)[0]]);
  });

  it('tell identical facts apart by their place among them, and an explicit id wins', () => {
    const p = parseFactLines(lines(use(2), use(2), DataCollected, use(2), { ...use(2), id: '01900000-0000-7000-8000-0000000000aa' }));
    const ids = p.facts.map((f) => f.id);
    expect(new Set(ids).size).toBe(5);
    expect(ids[4]).toBe('01900000-0000-7000-8000-0000000000aa');
    // Dropping the first of the identical facts renumbers the rest: those are then the first and second again.
    const again = parseFactLines(lines(use(2), DataCollected, use(2)));
    expect(again.facts.map((f) => f.id)).toEqual([ids[0], ids[2], ids[1]]);
  });
});
