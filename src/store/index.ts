export * from './port.js';
export * from './memory.js';
export * from './sqlite.js';
export * from './eventstoredb.js';
export * from './open.js';
