/**
 * What an auditor runs to take one event out of the ledger as a self-verifying bundle (the
 * event, its proof and the signed checkpoint). The ledger is not named: a connection string
 * may hold credentials, and a report is handed on.
 */
export const proveCommand = (eventId: string): string => `privacy-ledger prove --event ${eventId} --out bundle-${eventId.slice(0, 8)}.json`;
