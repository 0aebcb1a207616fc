/**
 * The audit as CSV (RFC 4180): one header row, CRLF line ends, a field quoted when it holds
 * a comma, a quote or a line break, quotes doubled. Times are ISO 8601 UTC as recorded.
 * A field that a spreadsheet would run as a formula (it starts with = + - @, a tab or a CR)
 * is prefixed with an apostrophe: a recipient named `=HYPERLINK(...)` stays text.
 */
import type { ComplianceReport } from '../projection/compliance-types.js';
import { ruleOf } from '../projection/rules-catalogue.js';
import { dpvDisclosureBasis, dpvPurpose } from './dpv.js';
import { proveCommand } from './prove.js';

export const CSV_TABLES = ['violations', 'disclosures', 'uses', 'obligations'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export const isCsvTable = (s: string): s is CsvTable => (CSV_TABLES as readonly string[]).includes(s);

type Cell = string | number | undefined;

export const csvField = (v: Cell): string => {
  if (v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const csvOf = (header: readonly string[], rows: readonly (readonly Cell[])[]): string =>
  [header, ...rows].map((r) => r.map(csvField).join(',') + '\r\n').join('');

/** Several values in one field. */
const list = (xs: readonly string[] | undefined): string => (xs ?? []).join(' ');

const violations = (r: ComplianceReport): string =>
  csvOf(
    ['code', 'title', 'at', 'event_id', 'subject', 'message', 'evidence', 'rule', 'prove'],
    r.violations.map((v) => [v.code, ruleOf(v.code).title, v.at, v.eventId, v.subject, v.message, list(v.evidence), ruleOf(v.code).text, proveCommand(v.eventId)]),
  );

/** The disclosure register: one row per disclosure, with its reason, its notice and its verdict. */
const disclosures = (r: ComplianceReport): string =>
  csvOf(
    ['event_id', 'at', 'subject', 'recipient', 'reason', 'lawful_reason', 'dpv_legal_basis', 'categories', 'legal_ref', 'consent_ref', 'verdict', 'codes', 'notice_status', 'notice_due_by', 'notified_at', 'notified_by'],
    r.disclosures.map((d) => [
      d.eventId,
      d.at,
      d.subject,
      d.recipient,
      d.reason,
      r.summary.byReason[d.reason]?.lawful ? 'yes' : 'no',
      dpvDisclosureBasis(d.reason),
      list(d.categories),
      d.legalRef,
      d.consentRef,
      d.verdict,
      list(d.codes),
      d.notice.status,
      d.notice.dueBy,
      d.notice.notifiedAt,
      d.notice.notifiedBy,
    ]),
  );

/** One row per use verdict; a group of identical lawful uses is one row with its count and its first and last event. */
const uses = (r: ComplianceReport): string =>
  csvOf(
    ['event_id', 'at', 'count', 'last_event_id', 'last_at', 'subject', 'purpose', 'dpv_purpose', 'categories', 'verdict', 'basis', 'codes', 'proof'],
    r.uses.map((u) => [u.eventId, u.at, u.count, u.lastEventId, u.lastAt, u.subject, u.purpose, dpvPurpose(u.purpose), list(u.categories), u.verdict, u.basis, list(u.codes), list(u.proof.map((p) => p.eventId))]),
  );

const obligations = (r: ComplianceReport): string =>
  csvOf(
    ['kind', 'event_id', 'subject', 'due_by', 'status', 'deferred_until', 'message'],
    r.obligations.map((o) => [o.kind, o.eventId, o.subject, o.dueBy, o.status, o.deferredUntil, o.message]),
  );

const RENDER: Readonly<Record<CsvTable, (r: ComplianceReport) => string>> = { violations, disclosures, uses, obligations };

export const renderCsv = (report: ComplianceReport, table: CsvTable): string => RENDER[table](report);
