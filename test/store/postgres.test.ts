import { testEventStore } from './contract.js';
import { postgresTestStore } from '../helpers/postgres.js';

testEventStore(`postgres (${process.env.PGURL ? 'PGURL server' : 'throwaway cluster'})`, async () => ({ store: postgresTestStore() }));
