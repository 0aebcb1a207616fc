import { describe, expect, it } from 'vitest';
import { appendWorkload, countFacts, subjectId } from '../../benchmarks/append-workload.js';

describe('the append workload', () => {
  it('names every subject differently, and not in the order they are touched', () => {
    const ids = Array.from({ length: 100_000 }, (_, s) => subjectId(s));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^u-[0-9a-f]{8}$/.test(id))).toBe(true);
    const ascending = ids.slice(1).filter((id, i) => id > ids[i]!).length;
    // Sequential ids would all ascend; scattered ones ascend about half the time.
    expect(ascending / ids.length).toBeGreaterThan(0.4);
    expect(ascending / ids.length).toBeLessThan(0.6);
  });

  it('gives each batch one subject, and about the facts asked for', () => {
    const work = appendWorkload({ events: 10_000, subjects: 100, batch: 50 });
    expect(countFacts(work)).toBe(10_000);
    for (const batch of work) expect(new Set(batch.map((f) => (f as { subject: string }).subject)).size).toBe(1);
  });
});
