import { describe, expect, it } from 'vitest';
import { toHtmlString } from '../../src/audit/html-template.js';
import { columns, perDay, stackedBars } from '../../src/audit/svg-charts.js';

describe('SVG charts', () => {
  it('counts per UTC day, empty days included', () => {
    expect(perDay(['2026-03-03T23:59:59Z', '2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z'])).toEqual([
      { label: '2026-03-01', value: 1 },
      { label: '2026-03-02', value: 0 },
      { label: '2026-03-03', value: 2 },
    ]);
    expect(perDay([])).toEqual([]);
  });

  it('counts per week beyond 120 days, losing nothing', () => {
    const days = Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString());
    const weeks = perDay(days);
    expect(weeks).toHaveLength(Math.ceil(200 / 7));
    expect(weeks.reduce((k, w) => k + w.value, 0)).toBe(200);
    expect(weeks[1]!.label).toBe('2026-01-08');
  });

  it('draws bars in proportion, with their totals, and escapes labels', () => {
    const svg = toHtmlString(
      stackedBars('t', [{ key: 'a', label: 'A', tone: 's1' }, { key: 'b', label: '<b>', tone: 's4' }], [
        { label: 'big', values: { a: 30, b: 10 } },
        { label: '</svg><script>', values: { a: 20 } },
      ]),
    );
    const widths = [...svg.matchAll(/<rect class="s\d" x="[\d.]+" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    // Three segments (none drawn for a zero value), then the two legend squares.
    expect(widths.slice(3)).toEqual([12, 12]);
    expect(widths[0]! / widths[1]!).toBeCloseTo(3, 1);
    expect(widths[0]! / widths[2]!).toBeCloseTo(1.5, 1);
    expect(svg).toContain('>40</text>');
    expect(svg).toContain('&lt;/svg&gt;&lt;script&gt;');
    expect(svg).not.toContain('<script');
    expect(toHtmlString(columns('c', []))).toContain('None.');
  });
});
