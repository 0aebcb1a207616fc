// privacy-ledger/eventstoredb: the EventStoreDB store, and the only entry point that loads @eventstore/db-client.
export {
  eventStoreDBStore,
  eventStoreDBStoreFromConnectionString,
  encodePosition,
  decodePosition,
  type EventStoreDBStoreOptions,
} from './store/eventstoredb.js';
