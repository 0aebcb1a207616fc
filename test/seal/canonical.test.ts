import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/seal/canonical.js';

// Examples from RFC 8785 (JSON Canonicalization Scheme) itself.
describe('canonicalize (RFC 8785)', () => {
  it('serializes the §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (§3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    // Read the order off the text: Object.keys would put the integer-like "1" first.
    const keys = [...canonicalize(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it.each([
    [0x0000000000000000n, '0'],
    [0x8000000000000000n, '0'],
    [0x0000000000000001n, '5e-324'],
    [0x8000000000000001n, '-5e-324'],
    [0x7fefffffffffffffn, '1.7976931348623157e+308'],
    [0xffefffffffffffffn, '-1.7976931348623157e+308'],
    [0x4340000000000000n, '9007199254740992'],
    [0xc340000000000000n, '-9007199254740992'],
    [0x4430000000000000n, '295147905179352830000'],
    [0x44b52d02c7e14af5n, '9.999999999999997e+22'],
    [0x44b52d02c7e14af6n, '1e+23'],
    [0x3eb0c6f7a0b5ed8dn, '0.000001'],
    [0x3eb0c6f7a0b5ed8cn, '9.999999999999997e-7'],
    [0x41b3de4355555553n, '333333333.3333332'],
  ])('serializes the IEEE-754 value %s as %s (Appendix B)', (bits, expected) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, bits);
    expect(canonicalize(view.getFloat64(0))).toBe(expected);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalize(Number.NaN)).toThrow(/NaN/);
    expect(() => canonicalize(Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
    expect(() => canonicalize(10n)).toThrow(/bigint/);
  });

  it('drops undefined members, as JSON.stringify does, and nests', () => {
    expect(canonicalize({ b: [1, { d: 1, c: undefined, a: 'x' }], a: undefined })).toBe('{"b":[1,{"a":"x","d":1}]}');
  });
});
