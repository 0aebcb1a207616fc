import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { displayJson, displayLines } from '../../src/audit/escape.js';
import { renderAuditTable, renderSubjectReport } from '../../src/audit/render.js';
import { isLedgerError } from '../../src/domain/errors.js';
import { decodeFact } from '../../src/domain/facts.js';
import { escapeForDisplay, freeTextProblem } from '../../src/domain/text.js';
import { openLedger } from '../../src/ledger/ledger.js';
import { complianceReport, subjectReport } from '../../src/projection/index.js';
import { nodeSigner, randomSeed } from '../../src/seal/signers.js';
import { memoryStore } from '../../src/store/memory.js';
import { sampleFacts } from '../fixtures/facts.js';
import { S1, collected, disclosed, fold, t } from '../projection/given.js';

// What an attacker puts in a recipient to forge a line of the text report and hide the rest.
const FORGED = 'acme\n  2026-03-01 09:00  nothing disclosed\u001b[8m';
const hostile = [
  ['a newline', 'line one\nline two'],
  ['a carriage return', 'a\rb'],
  ['ESC', 'x\u001b[8m'],
  ['NUL', 'a\u0000b'],
  ['DEL', 'a\u007fb'],
  ['a C1 control (NEL)', 'a\u0085b'],
  ['a C1 CSI', 'a\u009b8m'],
  ['a right-to-left override', 'invoice\u202egnp.exe'],
  ['a bidi isolate', 'a\u2066b\u2069'],
  ['a right-to-left mark', 'a\u200fb'],
  ['a lone surrogate', 'a\ud800b'],
] as const;

describe('free text in facts', () => {
  it.each(hostile)('refuses %s in every free-text field, naming the field and the code point', (_what, text) => {
    for (const [field, fact] of [
      ['recipient', { ...sampleFacts.DataDisclosed, recipient: text }],
      ['actor', { ...sampleFacts.DataUsed, actor: text }],
      ['purpose', { ...sampleFacts.DataUsed, purpose: text }],
      ['authority', { ...sampleFacts.IncidentReported, authority: text }],
      ['recipients.0', { ...sampleFacts.ConsentGranted, recipients: [text] }],
    ] as const) {
      const r = decodeFact(fact);
      expect(E.isLeft(r) && r.left.map((e) => e.field)).toEqual([field]);
      if (E.isLeft(r)) expect(r.left[0]!.message).toMatch(/U\+[0-9A-F]{4}|lone surrogate/);
    }
  });

  it('keeps text in any language, emoji and typographic punctuation', () => {
    for (const text of ['Zürich Amtsgericht', '東京地方裁判所', 'محكمة', 'team 🚀 ads', 'O’Brien — “quoted”', 'tab-free\u00a0nbsp']) {
      expect(freeTextProblem(text)).toBeUndefined();
      expect(E.isRight(decodeFact({ ...sampleFacts.DataDisclosed, recipient: text }))).toBe(true);
    }
  });

  it('record() refuses a recipient that would forge report lines, and appends nothing', async () => {
    const store = memoryStore();
    const ledger = await openLedger({ store, signer: nodeSigner(randomSeed()) });
    const e = await ledger.record([sampleFacts.DataCollected, { ...sampleFacts.DataDisclosed, recipient: FORGED }]).catch((x: unknown) => x);
    expect(isLedgerError(e, 'INVALID_FACT')).toBe(true);
    expect((e as Error).message).toMatch(/fact 1: recipient: contains U\+000A at index 4/);
    expect((await ledger.verify()).checked).toBe(2);
    await ledger.close();
  });
});

describe('renderers escape whatever reaches them', () => {
  // Facts folded directly, as if they reached the view by a road that skips the codecs.
  const state = fold([collected({ at: t(0) }), { ...disclosed({ at: t(1) }), recipient: FORGED, reason: 'ad\u202esales' }]);

  it('the text audit report shows control and bidi characters as escapes, on the line they belong to', () => {
    const text = renderAuditTable(complianceReport(state, t(40)));
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('ad\\u{202e}sales');
    expect(text.split('\n').some((l) => /^ {2}2026-03-01 09:00 {2}nothing disclosed/.test(l))).toBe(false);
  });

  it('the subject report does too', () => {
    const text = renderSubjectReport(subjectReport(state, S1, t(40)));
    expect(text).toContain('acme\\u{a}  2026-03-01 09:00  nothing disclosed\\u{1b}[8m');
    expect(text).not.toContain('\u001b');
  });

  it('escapes are visible, lossless for ordinary text, and JSON output stays the same value', () => {
    expect(escapeForDisplay('plain text, Zürich 🚀')).toBe('plain text, Zürich 🚀');
    expect(escapeForDisplay('a\u001bb\ud800')).toBe('a\\u{1b}b\\u{d800}');
    expect(displayLines(['one', 'two\nthree'])).toBe('one\ntwo\\u{a}three');
    const value = { recipient: FORGED, reason: 'ad\u202esales\u0085' };
    const json = displayJson(value);
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
