export * from './errors.js';
export * from './ids.js';
export * from './categories.js';
export * from './codec.js';
export * from './facts.js';
export * from './policy.js';
export * from './streams.js';
export * from './fact-input.js';
