import { describe, expect, it } from 'vitest';
import { CSV_TABLES, csvField, csvOf, renderCsv } from '../../src/audit/csv.js';
import { complianceReport } from '../../src/projection/index.js';
import { fold, t } from '../projection/given.js';
import { PAYLOADS, hostileFacts } from './hostile.js';

/** An RFC 4180 reader, strict: CRLF records, quoted fields with doubled quotes, nothing else. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quote');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const m = /[,\r\n"]/.exec(text.slice(i));
      const end = m === null ? text.length : i + m.index;
      if (text[end] === '"' || text[end] === '\n') throw new Error(`bare ${JSON.stringify(text[end])} at ${end}`);
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) throw new Error(`junk after a field at ${i}`);
  }
  if (row.length > 0) throw new Error('last record has no CRLF');
  return rows;
};

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('CSV (RFC 4180)', () => {
  const state = fold(hostileFacts(), { keepEveryVerdict: true });
  const report = complianceReport(state, t(20));

  it('quotes what must be quoted and doubles quotes', () => {
    expect(csvOf(['a', 'b'], [['x,y', 'say "hi"'], ['line\r\nbreak', undefined]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\r\nbreak",\r\n');
    expect(csvField(7)).toBe('7');
    expect(csvField(undefined)).toBe('');
  });

  it('keeps a cell a spreadsheet would run as a formula as text', () => {
    for (const f of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx']) expect(csvField(f).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('plain')).toBe('plain');
  });

  for (const table of CSV_TABLES) {
    it(`${table}: one header row, every record as wide as it, times in ISO 8601 UTC`, () => {
      const rows = parseCsv(renderCsv(report, table));
      const [header, ...body] = rows;
      expect(header!.length).toBeGreaterThan(4);
      expect(new Set(header).size).toBe(header!.length);
      expect(body.length).toBeGreaterThan(0);
      for (const r of body) expect(r).toHaveLength(header!.length);
      const timeCols = header!.flatMap((h, i) => (/(^at$|_at$|_by$|_until$)/.test(h) ? [i] : []));
      expect(timeCols.length).toBeGreaterThan(0);
      for (const r of body) for (const i of timeCols) if (r[i] !== '') expect(r[i]).toMatch(ISO_UTC);
    });
  }

  it('writes the values the report has, hostile strings included, read back intact', () => {
    const rows = parseCsv(renderCsv(report, 'disclosures'));
    const h = rows[0]!;
    const col = (name: string) => h.indexOf(name);
    const recipients = rows.slice(1).map((r) => r[col('recipient')]);
    expect(recipients).toEqual(report.disclosures.map((d) => (d.recipient.startsWith('=') ? `'${d.recipient}` : d.recipient)));
    expect(recipients).toContain(PAYLOADS[0]);
    expect(recipients).toContain(`'${PAYLOADS[4]}`);
    const reasons = rows.slice(1).map((r) => r[col('reason')]);
    expect(reasons).toContain(PAYLOADS[5]);
    const v = parseCsv(renderCsv(report, 'violations'));
    expect(v.slice(1).map((r) => r[0])).toEqual(report.violations.map((x) => x.code));
    expect(v.slice(1).map((r) => r[v[0]!.indexOf('prove')])).toEqual(report.violations.map((x) => `privacy-ledger prove --event ${x.eventId} --out bundle-${x.eventId.slice(0, 8)}.json`));
    const uses = parseCsv(renderCsv(report, 'uses'));
    expect(uses.length - 1).toBe(report.uses.length);
    expect(uses.slice(1).map((r) => r[uses[0]!.indexOf('dpv_purpose')])).toContain('dpv:ServiceProvision');
  });

  it('the reader used here refuses what RFC 4180 does not allow', () => {
    expect(() => parseCsv('a,b\n')).toThrow();
    expect(() => parseCsv('a,"b\r\n')).toThrow();
    expect(() => parseCsv('a,b')).toThrow();
  });
});
