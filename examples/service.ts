/**
 * A backend service that records what it does with personal data as it does it.
 *
 *   node dist/examples/service.js [--ledger FILE] [--port N]      serve
 *   node dist/examples/service.js --self-test [--ledger FILE]     serve, drive it, stop
 *
 * A newsletter service: sign-up collects an email for `provide-service`; sending the
 * newsletter uses it for that purpose; personalized picks need a consent, so the service
 * asks the ledger first (`ledger.check`) and refuses rather than break the policy.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LedgerError, loadSigner, nodeSigner, openLedger, randomSeed, type Ledger } from 'privacy-ledger';
import { sqliteStore } from 'privacy-ledger/sqlite';

const { values } = parseArgs({ options: { ledger: { type: 'string' }, key: { type: 'string' }, port: { type: 'string', default: '0' }, 'self-test': { type: 'boolean' } } });
const ledgerPath = values.ledger ?? join(mkdtempSync(join(tmpdir(), 'newsletter-')), 'ledger.db');

const readJson = async (req: IncomingMessage): Promise<Record<string, string>> => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body ? (JSON.parse(body) as Record<string, string>) : {};
};

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** The routes: each one records the fact of what it did, in the same breath as doing it. */
const routes = (ledger: Ledger) => async (req: IncomingMessage, res: ServerResponse) => {
  const at = new Date().toISOString();
  const [, route, subject] = (req.url ?? '').split('/');
  if (req.method === 'POST' && route === 'signup') {
    const { user } = await readJson(req);
    // ... store the email in the service's own database, then record that it was collected:
    const [r] = await ledger.record({ type: 'DataCollected', at, subject: user!, categories: ['user.contact.email'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'newsletter-signup' });
    return send(res, 201, { recorded: r!.id });
  }
  if (req.method === 'POST' && route === 'consent') {
    await ledger.record({ type: 'ConsentGranted', at, subject: subject!, purposes: ['personalization'], policyVersion: 'seed-1', method: 'preferences-page' });
    return send(res, 204, {});
  }
  if (req.method === 'POST' && route === 'newsletter') {
    const { personalized } = await readJson(req);
    const use = { type: 'DataUsed', at, subject: subject!, categories: ['user.contact.email'], purpose: personalized ? 'personalization' : 'provide-service', actor: 'newsletter-sender' } as const;
    const verdict = await ledger.check(use);
    if (verdict.verdict === 'violation') return send(res, 403, { refused: verdict.codes, why: verdict.violations.map((v) => v.message) });
    // ... send the mail, then record the use with the proof it was lawful:
    await ledger.record(use);
    return send(res, 200, { sent: true, basis: verdict.basis, proof: verdict.proof.map((p) => p.eventId) });
  }
  if (req.method === 'GET' && route === 'privacy') return send(res, 200, await ledger.subjectReport(subject!));
  send(res, 404, { error: 'no such route' });
};

const main = async () => {
  // A real service loads its key with loadSigner('/etc/privacy-ledger/service.key').
  // The service's own key (privacy-ledger keygen); a throwaway one when none is given.
  const signer = values.key ? await loadSigner(values.key) : nodeSigner(randomSeed());
  const ledger = await openLedger({ store: sqliteStore(ledgerPath), signer });
  const handle = routes(ledger);
  const server = createServer((req, res) =>
    handle(req, res).catch((e: unknown) => send(res, e instanceof LedgerError && e.code === 'INVALID_FACT' ? 400 : 500, { error: (e as Error).message })),
  );
  await new Promise<void>((r) => server.listen(Number(values.port), '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  console.log(`newsletter service on http://127.0.0.1:${port}, ledger ${ledgerPath}`);
  if (!values['self-test']) return;

  const call = async (method: string, path: string, body?: object) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    console.log(`${method} ${path} -> ${r.status} ${text.length > 160 ? text.slice(0, 157) + '...' : text}`);
    return r.status;
  };
  const statuses = [
    await call('POST', '/signup', { user: 'u-42' }),
    await call('POST', '/newsletter/u-42', {}),
    await call('POST', '/newsletter/u-42', { personalized: 'yes' }), // no consent yet: refused
    await call('POST', '/consent/u-42'),
    await call('POST', '/newsletter/u-42', { personalized: 'yes' }), // now lawful, on consent
    await call('POST', '/signup', { user: 'not a valid id' }), // a malformed fact: 400, nothing recorded
    await call('GET', '/privacy/u-42'),
  ];
  server.close();
  await ledger.close();
  const expected = [201, 200, 403, 204, 200, 400, 200];
  const ok = statuses.every((s, i) => s === expected[i]);
  console.log(ok ? 'self-test passed' : `self-test FAILED: got ${statuses.join(',')}, expected ${expected.join(',')}`);
  process.exitCode = ok ? 0 : 1;
};

await main();
