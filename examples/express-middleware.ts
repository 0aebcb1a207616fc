/**
 * Express middleware that makes every route that touches personal data ask the ledger first,
 * and record what it did in the same step.
 *
 *   node dist/examples/express-middleware.js [--ledger FILE] [--port N]      serve
 *   node dist/examples/express-middleware.js --self-test [--ledger FILE]     serve, drive it, stop
 *
 * `usesPersonalData({ categories, purpose, actor })` guards a route: before the handler runs,
 * `ledger.recordIfLawful` judges the use of the `:subject`'s data and records it only when
 * lawful; an unlawful use answers 403 with the violated rules and the handler never runs.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LedgerError, nodeSigner, openLedger, randomSeed, type LawfulRecord, type Ledger } from 'privacy-ledger';
import { sqliteStore } from 'privacy-ledger/sqlite';

const { values } = parseArgs({ options: { ledger: { type: 'string' }, port: { type: 'string', default: '0' }, 'self-test': { type: 'boolean' } } });
const ledgerPath = values.ledger ?? join(mkdtempSync(join(tmpdir(), 'shop-')), 'ledger.db');

/** What a guarded route does with the subject's data. */
export interface DataUse {
  readonly categories: readonly string[];
  readonly purpose: string;
  readonly actor: string;
}

/** The guard: the use is judged and recorded before the handler, which finds the verdict in `res.locals.privacy`. */
export const usesPersonalData =
  (ledger: Ledger, use: DataUse): RequestHandler =>
  async (req: Request, res: Response, next: NextFunction) => {
    const subject = req.params.subject;
    if (typeof subject !== 'string') return next(new Error('usesPersonalData needs a :subject route parameter'));
    const r: LawfulRecord = await ledger.recordIfLawful({ type: 'DataUsed', at: new Date().toISOString(), subject, ...use });
    if (!r.recorded) {
      res.status(403).json({ refused: r.verdict.codes, why: r.verdict.violations.map((v) => v.message) });
      return;
    }
    res.locals.privacy = r;
    next();
  };

/** Bad facts are the caller's fault (400); anything else is ours (500). */
const errors = (e: unknown, _req: Request, res: Response, _next: NextFunction) => {
  res.status(e instanceof LedgerError && e.code === 'INVALID_FACT' ? 400 : 500).json({ error: (e as Error).message });
};

export const shop = (ledger: Ledger) => {
  const app = express();
  app.use(express.json());
  const now = () => new Date().toISOString();

  app.post('/users/:subject/signup', async (req, res) => {
    // ... store the address in the shop's own database, then record the collection:
    const [r] = await ledger.record({ type: 'DataCollected', at: now(), subject: req.params.subject, categories: ['user.contact.email', 'user.behavior.purchase_history'], source: 'proactive-submission', purposes: ['provide-service'], policyVersion: 'seed-1', actor: 'shop-signup' });
    res.status(201).json({ recorded: r!.id });
  });
  app.post('/users/:subject/consents/personalization', async (req, res) => {
    await ledger.record({ type: 'ConsentGranted', at: now(), subject: req.params.subject, purposes: ['personalization'], policyVersion: 'seed-1', method: 'preferences-page' });
    res.status(204).end();
  });
  app.get('/users/:subject/orders', usesPersonalData(ledger, { categories: ['user.behavior.purchase_history'], purpose: 'provide-service', actor: 'shop-orders' }), (_req, res) => {
    res.json({ orders: [], basis: (res.locals.privacy as LawfulRecord).verdict.basis });
  });
  app.get('/users/:subject/recommendations', usesPersonalData(ledger, { categories: ['user.behavior.purchase_history'], purpose: 'personalization', actor: 'recommender' }), (_req, res) => {
    res.json({ picks: ['tea', 'cups'], basis: (res.locals.privacy as LawfulRecord).verdict.basis });
  });
  app.get('/users/:subject/privacy', async (req, res) => {
    res.json(await ledger.subjectReport(req.params.subject));
  });
  app.use(errors);
  return app;
};

const main = async () => {
  // A real service loads its key with loadSigner('/etc/privacy-ledger/service.key').
  const ledger = await openLedger({ store: sqliteStore(ledgerPath), signer: nodeSigner(randomSeed()) });
  const server = shop(ledger).listen(Number(values.port), '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  console.log(`shop on http://127.0.0.1:${port}, ledger ${ledgerPath}`);
  if (!values['self-test']) return;

  const call = async (method: string, path: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { 'content-type': 'application/json' } });
    const text = await r.text();
    console.log(`${method} ${path} -> ${r.status} ${text.length > 160 ? text.slice(0, 157) + '...' : text}`);
    return r.status;
  };
  const statuses = [
    await call('GET', '/users/u-7/orders'), // nothing collected yet: refused, nothing recorded
    await call('POST', '/users/u-7/signup'),
    await call('GET', '/users/u-7/orders'), // lawful: collected for provide-service
    await call('GET', '/users/u-7/recommendations'), // personalization without consent: refused
    await call('POST', '/users/u-7/consents/personalization'),
    await call('GET', '/users/u-7/recommendations'), // now lawful, on consent
    await call('POST', '/users/jane@example.com/signup'), // an email address as id: 400, nothing recorded
  ];
  server.close();
  const { report } = await ledger.audit();
  await ledger.close();
  const expected = [403, 201, 200, 403, 204, 200, 400];
  const ok = statuses.every((s, i) => s === expected[i]) && report.violations.length === 0 && report.summary.uses === 2;
  console.log(`audit: ${report.summary.uses} uses recorded, ${report.violations.length} violations`);
  console.log(ok ? 'self-test passed' : `self-test FAILED: got ${statuses.join(',')}, expected ${expected.join(',')}`);
  process.exitCode = ok ? 0 : 1;
};

await main();
