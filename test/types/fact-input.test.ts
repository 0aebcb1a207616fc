import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { typeErrors } from '../helpers/typecheck.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const scratch = mkdtempSync(join(fixtures, 'tmp-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('FactInput, under tsc strict', () => {
  it('compiles lawful facts and catches each mistake marked @ts-expect-error (an unused one is an error too)', () => {
    expect(typeErrors([join(fixtures, 'fact-input.ts')])).toEqual([]);
  }, 60_000);

  it('names the missing field of a DataUsed without actor', () => {
    const file = join(scratch, 'broken.ts');
    writeFileSync(file, `import type { FactInput } from '../../../../src/index.js';
export const use: FactInput = { type: 'DataUsed', at: '2026-11-01T00:00:00Z', subject: 'u-1', categories: ['user.contact.email'], purpose: 'provide-service' };
`);
    const errors = typeErrors([file]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/broken\.ts:2: .*'actor'/s);
  }, 60_000);
});
