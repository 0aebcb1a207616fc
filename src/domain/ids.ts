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

// Date.parse accepts 2026-02-30 by rolling it over to March: check the fields survive a round trip.
const isRealInstant = (s: string): boolean => {
  const m = ISO_UTC_RE.exec(s);
  if (!m) return false;
  const ms = Date.parse(s);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === s.slice(0, 19);
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
