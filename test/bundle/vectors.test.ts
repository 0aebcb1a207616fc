// The bundle test vectors (test/vectors/bundles/manifest.json), each with the result it must
// get, run by the Node verifier; test/bundle/browser.test.ts runs them through the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyFile, verifyBundle } from '../../src/verify.js';
import { manifest, VECTORS } from './vectors.js';

const read = (f: string) => readFileSync(join(VECTORS, f), 'utf8');

describe('bundle test vectors, by the Node verifier', () => {
  const trust = [parsePublicKeyFile(read(manifest.trust))];
  const witnesses = [parsePublicKeyFile(read(manifest.witness))];

  it('has a valid bundle and one for each kind of breakage', async () => {
    expect(manifest.vectors.filter((v) => !v.expected.ok).map((v) => v.file).sort()).toEqual([
      'changed-fact.json', 'dropped-envelope.json', 'missing-cosignature.json', 'stated-verdict-not-derived.json', 'wrong-checkpoint-signature.json', 'wrong-inclusion-proof.json',
    ]);
  });

  for (const v of manifest.vectors) {
    it(`${v.file}: ${v.description}`, async () => {
      const r = await verifyBundle(read(v.file), { trust, witnesses });
      expect(r.ok).toBe(v.expected.ok);
      if (v.expected.ok) {
        expect(r.derived?.verdict).toBe(v.expected.verdict);
        if (v.expected.basis) expect(r.derived?.basis).toBe(v.expected.basis);
        if (v.expected.codes) expect(r.derived?.violations.map((x) => x.code)).toEqual(v.expected.codes);
      } else {
        expect(r.failed).toContain(v.expected.failed);
        expect(r.checks.find((c) => c.check === v.expected.failed)!.findings.map((f) => f.code)).toContain(v.expected.code);
        // Only a bundle whose every other check held has its verdict re-derived (and then refused when it differs).
        if (v.expected.failed === 'verdict') expect(r.derived).toBeDefined();
        else expect(r.derived).toBeUndefined();
      }
    });
  }
});
