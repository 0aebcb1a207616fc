import { describe, expect, it } from 'vitest';
import { erasureSchedule } from '../../src/projection/rules-retention.js';
import { toMs } from '../../src/projection/compliance-state.js';
import { S1, collected, erasureRequested, fact, fold, given, published, t } from './given.js';

const erased = (at: string) => fact({ type: 'SubjectErased', at, subject: S1 });
const location = (at: string) => collected({ at, categories: ['user.location.precise'] });

describe('ErasureRequested: ERASURE_OVERDUE (seed policy: 30 days)', () => {
  it('raised when the request was not carried out within the deadline, and it has passed', () => {
    given(collected()).when(erasureRequested({ at: t(0) })).evaluatedAt(t(31)).thenViolates('ERASURE_OVERDUE', { evidence: [], message: /30 days .*not been carried out/ });
  });

  it('not raised while the deadline has not passed', () => {
    given(collected()).when(erasureRequested({ at: t(0) })).evaluatedAt(t(29)).thenNot('ERASURE_OVERDUE');
  });

  it('not raised when SubjectErased was recorded in time', () => {
    given(collected()).when(erasureRequested({ at: t(0) })).followedBy(erased(t(10))).evaluatedAt(t(60)).thenNot('ERASURE_OVERDUE');
  });

  it('raised when the erasure came only after the deadline; the erasure is the evidence', () => {
    const late = erased(t(40));
    given(collected()).when(erasureRequested({ at: t(0) })).followedBy(late).evaluatedAt(t(41)).thenViolates('ERASURE_OVERDUE', { evidence: [late.id], message: /only on/ });
  });

  it('follows the policy in force when the request was made', () => {
    given(published({ version: 'strict', erasureDays: 5 }, t(-1)), collected()).when(erasureRequested({ at: t(0) })).evaluatedAt(t(6)).thenViolates('ERASURE_OVERDUE', { message: /5 days/ });
  });
});

describe('DataCollected: RETENTION_EXCEEDED (seed policy: user 1095 days, user.location 30 days)', () => {
  it('raised on data kept past its retention without erasure', () => {
    given().when(location(t(0))).evaluatedAt(t(31)).thenViolates('RETENTION_EXCEEDED', { evidence: [], message: /user\.location\.precise .*still kept/ });
  });

  it('not raised before the retention ends', () => {
    given().when(location(t(0))).evaluatedAt(t(29)).thenNot('RETENTION_EXCEEDED');
  });

  it('not raised when the subject was erased before the retention ended', () => {
    given().when(location(t(0))).followedBy(erased(t(20))).evaluatedAt(t(90)).thenNot('RETENTION_EXCEEDED');
  });

  it('raised when the erasure came after the retention ended; the erasure is the evidence', () => {
    const late = erased(t(40));
    given().when(location(t(0))).followedBy(late).evaluatedAt(t(41)).thenViolates('RETENTION_EXCEEDED', { evidence: [late.id], message: /erased only on/ });
  });

  it('the most specific period applies: contact data is kept three years, not thirty days', () => {
    given().when(collected({ at: t(0), categories: ['user.contact.email'] })).evaluatedAt(t(400)).thenNot('RETENTION_EXCEEDED');
    given().when(collected({ at: t(0), categories: ['user.contact.email'] })).evaluatedAt(t(1096)).thenViolates('RETENTION_EXCEEDED');
  });

  it('a collection of the same data again starts its retention again', () => {
    given(location(t(0))).when(location(t(20))).evaluatedAt(t(31)).thenNot('RETENTION_EXCEEDED');
  });

  it('not raised for a category no period covers', () => {
    given(published({ version: 'no-retention', retention: [{ category: 'user.location', days: 30 }] }, t(-1)))
      .when(collected({ at: t(0), categories: ['account.settings'] }))
      .evaluatedAt(t(5000))
      .thenNot('RETENTION_EXCEEDED');
  });
});

describe('the erasure schedule', () => {
  it('lists what must be erased by when, soonest first, overdue or open', () => {
    const state = fold([collected({ at: t(0) }), location(t(1)), erasureRequested({ at: t(2) })]);
    const due = erasureSchedule(state, toMs(t(31.5)));
    expect(due.map((d) => [d.kind, d.status, d.dueBy.slice(0, 10)])).toEqual([
      ['retention', 'overdue', t(31).slice(0, 10)],
      ['erasure-request', 'open', t(32).slice(0, 10)],
      ['retention', 'open', t(1095).slice(0, 10)],
    ]);
  });
});
