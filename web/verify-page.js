// The static page's script: reads the files picked, verifies with privacy-ledger/verify and
// shows the verdict, why, and every check. Text only ever goes in as textContent.
import { parsePublicKeyFile, verifyBundle, verdictWords, BUNDLE_CHECKS, CHECK_TITLES } from '../src/verify.ts';

const $ = (id) => document.getElementById(id);

const readAll = async (input) => Promise.all([...(input.files ?? [])].map(async (f) => ({ name: f.name, text: await f.text() })));

const item = (text) => {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
};

const show = (state, text) => {
  $('verdict').dataset.state = state;
  $('verdict').textContent = text;
};

/** Verifies bundle text against key texts; shows and returns the result. */
const run = async (bundleText, keyTexts, witnessTexts) => {
  $('reasons').replaceChildren();
  $('checks').replaceChildren();
  let trust;
  let witnesses;
  try {
    trust = keyTexts.map((k) => parsePublicKeyFile(k.text, k.name));
    witnesses = witnessTexts.map((k) => parsePublicKeyFile(k.text, k.name));
  } catch (e) {
    show('failed', `Cannot read a key: ${e.message}`);
    return undefined;
  }
  const started = performance.now();
  const result = await verifyBundle(bundleText, { trust, witnesses });
  const ms = performance.now() - started;
  if (result.ok && result.derived) {
    const v = result.derived;
    show(v.verdict === 'ok' ? 'ok' : 'violation', `Verified: this ${v.type} (${v.eventId}) ${v.verdict === 'ok' ? 'is lawful' : 'is a violation'}. Re-derived from the bundled facts by the rules in ${ms.toFixed(1)} ms.`);
    for (const line of verdictWords(v)) $('reasons').append(item(line.trim()));
  } else {
    show('failed', `Not verified: ${result.failed.join(', ')} failed. The bundle proves nothing.`);
  }
  for (const c of result.checks) {
    const li = item(`${c.check}: ${c.title}`);
    li.dataset.check = c.check;
    li.dataset.ok = String(c.ok);
    if (c.skipped) li.dataset.skipped = 'true';
    for (const f of c.findings.slice(0, 20)) {
      const span = document.createElement('span');
      span.className = 'finding';
      span.textContent = `${f.code}: ${f.message}`;
      li.append(span);
    }
    $('checks').append(li);
  }
  document.body.dataset.done = 'true';
  return result;
};

const onChange = async () => {
  const [bundle] = await readAll($('bundle'));
  const keys = await readAll($('keys'));
  if (bundle === undefined || keys.length === 0) return;
  await run(bundle.text, keys, await readAll($('witnesses')));
};

for (const id of ['bundle', 'keys', 'witnesses']) $(id).addEventListener('change', () => void onChange());

// For scripts and benchmarks driving the page: the same verifier, no files needed.
window.privacyLedger = { run, verifyBundle, parsePublicKeyFile, checks: BUNDLE_CHECKS, titles: CHECK_TITLES };
