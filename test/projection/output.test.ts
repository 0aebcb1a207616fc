import { describe, expect, it } from 'vitest';
import type { Ref, VerdictRecord } from '../../src/projection/compliance-state.js';
import { accessVerdictOf, useVerdictOf } from '../../src/projection/output.js';

const ref: Ref = { eventId: 'e-c', hash: 'h-c', type: 'DataCollected', seq: 0, at: '2026-11-01T10:00:00.000Z', atMs: 0 } as Ref;

const record = (over: Partial<VerdictRecord>): VerdictRecord => ({
  eventId: 'e-1',
  at: '2026-11-02T10:00:00.000Z',
  subject: 'u-1',
  staff: undefined,
  purpose: 'provide-service',
  categories: ['user.contact.email'],
  basis: undefined,
  proof: [ref],
  codes: undefined,
  count: 1,
  lastEventId: undefined,
  lastAt: undefined,
  ...over,
});

// Reports and --json print these objects as they are: their keys, and the order of their keys, are output.
describe('one mapper for the verdicts of uses and accesses', () => {
  it('a lawful use: subject, verdict, basis, then the rest; a group carries its last event', () => {
    const v = useVerdictOf(record({ basis: 'consent', count: 3, lastEventId: 'e-3', lastAt: '2026-11-03T10:00:00.000Z' }));
    expect(JSON.stringify(v)).toBe(
      '{"eventId":"e-1","at":"2026-11-02T10:00:00.000Z","subject":"u-1","verdict":"ok","basis":"consent","purpose":"provide-service",' +
        '"categories":["user.contact.email"],"proof":[{"eventId":"e-c","hash":"h-c","type":"DataCollected"}],"count":3,"lastEventId":"e-3","lastAt":"2026-11-03T10:00:00.000Z"}',
    );
  });

  it('a violating use: no basis, its codes after its proof', () => {
    const v = useVerdictOf(record({ proof: [], codes: ['PURPOSE_NOT_ALLOWED'] }));
    expect(JSON.stringify(v)).toBe(
      '{"eventId":"e-1","at":"2026-11-02T10:00:00.000Z","subject":"u-1","verdict":"violation","purpose":"provide-service",' +
        '"categories":["user.contact.email"],"proof":[],"codes":["PURPOSE_NOT_ALLOWED"],"count":1}',
    );
  });

  it('an access: staff after subject, and never a basis, even were the record to carry one', () => {
    const v = accessVerdictOf(record({ staff: 'staff-1', basis: 'consent' }));
    expect(JSON.stringify(v)).toBe(
      '{"eventId":"e-1","at":"2026-11-02T10:00:00.000Z","subject":"u-1","staff":"staff-1","verdict":"ok","purpose":"provide-service",' +
        '"categories":["user.contact.email"],"proof":[{"eventId":"e-c","hash":"h-c","type":"DataCollected"}],"count":1}',
    );
  });

  it('a group of accesses spans subjects: no subject key at all', () => {
    const v = accessVerdictOf(record({ subject: undefined, staff: 'staff-1', count: 2, lastEventId: 'e-2', lastAt: '2026-11-02T11:00:00.000Z' }));
    expect(Object.keys(v)).toEqual(['eventId', 'at', 'staff', 'verdict', 'purpose', 'categories', 'proof', 'count', 'lastEventId', 'lastAt']);
  });

  it('the categories are a copy: a group growing later does not change what was reported', () => {
    const r = record({});
    const v = useVerdictOf(r);
    r.categories.push('user.device.ip');
    expect(v.categories).toEqual(['user.contact.email']);
  });
});
