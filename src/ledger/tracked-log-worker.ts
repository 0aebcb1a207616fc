// The worker thread behind workerLog(): the same in-thread log, fed by messages in order.
import { parentPort } from 'node:worker_threads';
import { LedgerError } from '../domain/errors.js';
import { inThreadLog, type LogMessage, type LogReply } from './tracked-log.js';

const log = inThreadLog();
const port = parentPort!;

port.on('message', (m: LogMessage) => {
  if (m.op === 'append') log.append(m.hashes);
  else if (m.op === 'expectRoot') log.expectRoot(m.size, m.root, m.eventId);
  else if (m.op === 'expectLeaves') for (const l of m.leaves) log.expectLeaf(l.index, l.hash, l.eventId, l.position);
  else {
    log.head().then(
      (h) => port.postMessage({ id: m.id, size: h.size, root: h.root } satisfies LogReply),
      (e: unknown) => {
        const error = e instanceof LedgerError ? e : new LedgerError('INTEGRITY', String(e));
        port.postMessage({ id: m.id, error: { code: error.code, message: error.message, details: { ...error.details } } } satisfies LogReply);
      },
    );
  }
});
