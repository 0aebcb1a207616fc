import { memoryStore } from '../../src/store/memory.js';
import { testEventStore } from './contract.js';

testEventStore('memory', async () => ({ store: memoryStore() }));
