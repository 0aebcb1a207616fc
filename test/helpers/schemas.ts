import AjvModule from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run.js';

const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
const schemaDir = join(ROOT, 'schemas');

/** Every command's schema under schemas/, compiled strictly. */
export const ajv = new Ajv({ allErrors: true, strict: true });
// The commands' JSON documents are draft-07; the consent records' schema (2020-12) is checked by its own tests.
for (const f of readdirSync(schemaDir)) {
  const schema = JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as { $schema?: string };
  if (schema.$schema?.includes('draft-07')) ajv.addSchema(schema);
}

export const schemaId = (command: string): string => `https://github.com/privacy-ledger/privacy-ledger/schemas/${command}.schema.json`;

/** What the command's schema finds wrong with `doc`: empty when it matches. */
export const validate = (command: string, doc: unknown): string[] => {
  const v = ajv.getSchema(schemaId(command));
  if (v === undefined) throw new Error(`no schema for ${command}`);
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};
