import * as t from 'io-ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ISO-8601 UTC with a Z: 2026-11-29T14:07:28Z or with fractional seconds.
const ISO_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
// Stream-safe pseudonymous ids: no spaces, no separators that would break a stream name.
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export interface EventIdBrand {
  readonly EventId: unique symbol;
}
/** A UUID naming one recorded fact (the envelope id). */
export const EventId = t.brand(t.string, (s): s is t.Branded<string, EventIdBrand> => UUID_RE.test(s), 'EventId');
export type EventId = t.TypeOf<typeof EventId>;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

// Date.parse accepts 2026-02-30 by rolling it over to March: check each field's range instead.
const isRealInstant = (s: string): boolean => {
  if (!ISO_UTC_RE.test(s)) return false;
  const year = +s.slice(0, 4);
  const month = +s.slice(5, 7);
  const day = +s.slice(8, 10);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= days && +s.slice(11, 13) < 24 && +s.slice(14, 16) < 60 && +s.slice(17, 19) < 60;
};

export interface IsoTimestampBrand {
  readonly IsoTimestamp: unique symbol;
}
/** An ISO-8601 UTC instant that names a real date. */
export const IsoTimestamp = t.brand(
  t.string,
  (s): s is t.Branded<string, IsoTimestampBrand> => isRealInstant(s),
  'IsoTimestamp',
);
export type IsoTimestamp = t.TypeOf<typeof IsoTimestamp>;

export interface SubjectIdBrand {
  readonly SubjectId: unique symbol;
}
/** A pseudonymous id for a person, a staff member, an incident or a key: never personal data itself. */
export const SubjectId = t.brand(t.string, (s): s is t.Branded<string, SubjectIdBrand> => ID_RE.test(s), 'SubjectId');
export type SubjectId = t.TypeOf<typeof SubjectId>;

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
export const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyStringBrand> => s.trim().length > 0,
  'NonEmptyString',
);
export type NonEmptyString = t.TypeOf<typeof NonEmptyString>;

export const isUuid = (s: string): boolean => UUID_RE.test(s);
export const isIsoTimestamp = (s: string): boolean => IsoTimestamp.is(s);
