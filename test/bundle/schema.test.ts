// schemas/bundle.schema.json describes what prove writes (every vector, every round-trip
// kind) and refuses what is not a bundle; verify-bundle --json matches its own schema.
import AjvModule from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run.js';
import { parsePublicKeyFile, verifyBundle } from '../../src/verify.js';
import { manifest, VECTORS } from './vectors.js';
import { accessed, collected, disclosed, granted, scenario, used } from './scenarios.js';

const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
const ajv = new Ajv({ allErrors: true, strict: true });
// The commands' documents and the bundle are draft-07 (the consent records' schema, 2020-12, has its own tests).
for (const f of readdirSync(join(ROOT, 'schemas'))) {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', f), 'utf8')) as { $schema?: string };
  if (schema.$schema?.includes('draft-07')) ajv.addSchema(schema);
}
const errorsOf = (name: string, doc: unknown): string[] => {
  const v = ajv.getSchema(`https://github.com/privacy-ledger/privacy-ledger/schemas/${name}.schema.json`)!;
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

describe('the bundle format has a JSON Schema', () => {
  it('every bundle prove writes matches it: uses, disclosures, accesses, per-batch', async () => {
    for (const s of [
      await scenario([collected(), used('provide-service')]),
      await scenario([collected(), disclosed('court-order', { legalRef: 'case 1' })]),
      await scenario([collected(), granted(), accessed()]),
      await scenario([collected(), used('provide-service', '2026-03-05T09:00:00Z'), used('provide-service', '2026-03-05T09:00:01Z')], { signing: 'per-batch', batch: true, judge: 1 }),
    ]) {
      expect(errorsOf('bundle', JSON.parse(JSON.stringify(await s.ledger.prove(s.judged))))).toEqual([]);
    }
  });

  it('the valid vectors match it; what is not a bundle does not', async () => {
    const valid = JSON.parse(readFileSync(join(VECTORS, 'valid.json'), 'utf8')) as Record<string, unknown>;
    expect(errorsOf('bundle', valid)).toEqual([]);
    expect(errorsOf('bundle', { ...valid, formatVersion: 2 })).not.toEqual([]);
    expect(errorsOf('bundle', { ...valid, extra: 1 })).not.toEqual([]);
    const { verdict: _v, ...noVerdict } = valid;
    expect(errorsOf('bundle', noVerdict)).not.toEqual([]);
  });

  it('verify-bundle --json documents match theirs, verified or refused', async () => {
    const trust = [parsePublicKeyFile(readFileSync(join(VECTORS, manifest.trust), 'utf8'))];
    for (const v of manifest.vectors) {
      const r = await verifyBundle(readFileSync(join(VECTORS, v.file), 'utf8'), { trust });
      expect(errorsOf('verify-bundle', JSON.parse(JSON.stringify({ schemaVersion: 1, command: 'verify-bundle', file: v.file, ...r }))), v.file).toEqual([]);
    }
  });
});

