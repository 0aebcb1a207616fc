// Builds the self-contained verification page: web/verify-page.js and privacy-ledger/verify
// bundled into one script, inlined into web/verify-page.html. Output: dist/verify-page/.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = await rolldown({ input: join(root, 'web/verify-page.js'), cwd: root, platform: 'browser', logLevel: 'warn' });
const { output } = await bundle.generate({ format: 'iife', minify: true });
await bundle.close();
// "</script" inside the code would end the element early.
const code = output[0].code.replace(/<\/script/gi, '<\\/script');
const html = (await readFile(join(root, 'web/verify-page.html'), 'utf8')).replace('/*VERIFIER*/', () => code);
await mkdir(join(root, 'dist/verify-page'), { recursive: true });
await writeFile(join(root, 'dist/verify-page/verify-bundle.html'), html);
console.error(`dist/verify-page/verify-bundle.html: ${(html.length / 1024).toFixed(0)} KB`);
