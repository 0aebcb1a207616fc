// The bundle test vectors and what each must get (test/vectors/bundles/manifest.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const VECTORS = join(import.meta.dirname, '../vectors/bundles');

export interface BundleVector {
  readonly file: string;
  readonly description: string;
  readonly expected: { ok: true; verdict: 'ok' | 'violation'; basis?: string; codes?: string[] } | { ok: false; failed: string; code: string };
}
export const manifest = JSON.parse(readFileSync(join(VECTORS, 'manifest.json'), 'utf8')) as { trust: string; witness: string; vectors: BundleVector[] };
