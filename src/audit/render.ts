import type {
  ComplianceReport,
  Obligation,
  SubjectReport,
  UseVerdict,
  Violation,
  ViolationCode,
} from '../projection/compliance-types.js';
import { displayLines } from './escape.js';
import { ruleOf } from '../projection/rules-catalogue.js';

const n = (x: number): string => x.toLocaleString('en-US');
const short = (id: string): string => id.slice(0, 8);
/** `2026-03-01T14:07:28Z` → `2026-03-01 14:07` (UTC, said once in each heading). */
const when = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

/** Columns: text left-aligned, counts right-aligned. */
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => {
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d,]+$|^(yes|NO)$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    ('  ' + cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('   ')).trimEnd();
  return [line(header), ...rows.map(line)];
};

const violationLines = (violations: readonly Violation[]): string[] =>
  violations.flatMap((v, i) => [
    `  ${i + 1}. ${v.code} (${ruleOf(v.code).title})  ${when(v.at)}${v.subject === undefined ? '' : `  subject ${v.subject}`}  event ${v.eventId}`,
    `     ${v.message}`,
    `     evidence: ${v.evidence.length === 0 ? 'none recorded (the absence of a fact is the finding)' : v.evidence.join(', ')}`,
  ]);

const obligationLines = (obligations: readonly Obligation[]): string[] =>
  obligations.map(
    (o) =>
      `  due ${when(o.dueBy)}  ${o.kind}${o.status === 'deferred' ? ` (deferred until ${when(o.deferredUntil ?? o.dueBy)})` : ''}` +
      `${o.subject === undefined ? '' : `  subject ${o.subject}`}: ${o.message}`,
  );

const codeTable = (violations: readonly Violation[]): string[] => {
  const counts = new Map<ViolationCode, number>();
  for (const v of violations) counts.set(v.code, (counts.get(v.code) ?? 0) + 1);
  return table(
    ['code', 'count', 'title', 'rule'],
    [...counts].sort((a, b) => b[1] - a[1]).map(([code, c]) => [code, n(c), ruleOf(code).title, ruleOf(code).text]),
  );
};

/**
 * The audit as a privacy officer reads it: what was done with personal data and on what
 * basis, what is still owed, and every broken rule with the events that show it.
 */
export const renderAuditTable = (report: ComplianceReport): string => {
  const s = report.summary;
  const purposes = Object.entries(s.byPurpose).sort((a, b) => b[1].uses - a[1].uses);
  const reasons = Object.entries(s.byReason).sort((a, b) => b[1].disclosures - a[1].disclosures);
  const out = [
    `Compliance audit at ${when(s.at)} UTC, judged by the policy in force at each fact (now: ${s.policyVersion})`,
    `  ${n(s.facts)} facts about ${n(s.subjects)} subjects`,
    `  uses ${n(s.uses)} (${n(s.usesViolating)} violating)   disclosures ${n(s.disclosures)} (${n(s.disclosuresViolating)} violating)   ` +
      `staff accesses ${n(s.accesses)} (${n(s.accessesViolating)} violating)   incidents ${n(s.incidents)}`,
    '',
    'Uses by purpose, and the basis each lawful use rests on',
    ...(purposes.length === 0
      ? ['  none']
      : table(
          ['purpose', 'uses', 'collected for it', 'assessed compatible', 'consented', 'violating'],
          purposes.map(([p, c]) => [p, n(c.uses), n(c.byBasis['collection-purpose']), n(c.byBasis['assessed-compatible']), n(c.byBasis.consent), n(c.violations)]),
        )),
    '',
    'Disclosures by reason, and whether the subject was told',
    ...(reasons.length === 0
      ? ['  none']
      : table(
          ['reason', 'lawful reason', 'disclosures', 'notified', 'not yet due', 'overdue', 'violating'],
          reasons.map(([r, c]) => [r, c.lawful ? 'yes' : 'NO', n(c.disclosures), n(c.notified), n(c.pending), n(c.overdue), n(c.violations)]),
        )),
    '',
    report.obligations.length === 0 ? 'Open obligations: none' : `Open obligations (${n(report.obligations.length)}), soonest first`,
    ...obligationLines(report.obligations),
    '',
    report.violations.length === 0 ? 'Violations: none' : `Violations (${n(report.violations.length)})`,
    ...(report.violations.length === 0 ? [] : [...codeTable(report.violations), '', ...violationLines(report.violations)]),
  ];
  return displayLines(out);
};

const useLine = (u: UseVerdict): string => {
  const span = u.count > 1 ? `${when(u.at)} … ${when(u.lastAt ?? u.at)}, ${n(u.count)} times` : when(u.at);
  const verdict =
    u.verdict === 'ok'
      ? `lawful, ${u.basis} (proof ${u.proof.map((p) => `${p.type} ${short(p.eventId)}`).join(', ')})`
      : `VIOLATION ${(u.codes ?? []).join(', ')}`;
  return `  ${span}  ${u.categories.join(', ')} for ${u.purpose}: ${verdict}`;
};

/** A subject access report: everything the ledger knows was done with one person's data. */
export const renderSubjectReport = (r: SubjectReport): string => {
  if (!r.known) return `Subject ${r.subject}: the ledger holds no fact about this subject (at ${when(r.at)} UTC).`;
  const uses = r.used.reduce((k, u) => k + u.count, 0);
  const out = [
    `Subject access report for ${r.subject}, at ${when(r.at)} UTC`,
    ...(r.erasureRequested === undefined
      ? []
      : [`  erasure requested ${when(r.erasureRequested)}${r.erased === undefined ? ', not yet carried out' : `, erased ${when(r.erased)}`}`]),
    '',
    `Collected (${r.collected.length})`,
    ...r.collected.map(
      (c) =>
        `  ${when(c.at)}  ${c.categories.join(', ')} for ${c.purposes.join(', ')}  (${c.source}, policy ${c.policyVersion})` +
        `${c.count > 1 ? `, recorded ${n(c.count)} times` : ''}  event ${short(c.eventId)}`,
    ),
    '',
    `Used (${n(uses)})`,
    ...r.used.map(useLine),
    '',
    `Disclosed (${r.disclosed.length})`,
    ...r.disclosed.map(
      (d) =>
        `  ${when(d.at)}  ${d.categories.join(', ')} to ${d.recipient} for ${d.reason}: ` +
        `${d.verdict === 'ok' ? 'lawful' : `VIOLATION ${(d.codes ?? []).join(', ')}`}; notice ${d.notice.status}` +
        (d.notice.notifiedAt === undefined ? ` (due ${when(d.notice.dueBy)})` : ` ${when(d.notice.notifiedAt)}`),
    ),
    '',
    `Consents (${r.consents.length})`,
    ...r.consents.map((c) => `  ${when(c.at)}  ${c.kind} ${c.purposes.join(', ')}${c.recipients?.length ? ` (recipients: ${c.recipients.join(', ')})` : ''}`),
    ...Object.entries(r.consentState).map(([purpose, state]) => `  at ${when(r.at)}: ${purpose} ${state}`),
    '',
    `Staff accesses (${n(r.accessCount)})`,
    ...(r.accessCount > r.accessed.length
      ? [`  ${n(r.accessCount - r.accessed.length)} under a valid access grant (counted, not listed one by one)`]
      : []),
    ...r.accessed.map(
      (a) => `  ${when(a.at)}  ${a.staff}  ${a.categories.join(', ')} for ${a.purpose}: ${a.verdict === 'ok' ? 'lawful' : `VIOLATION ${(a.codes ?? []).join(', ')}`}`,
    ),
    '',
    `Notified (${r.notified.length})`,
    ...r.notified.map((x) => `  ${when(x.at)}  ${x.type} by ${x.channel} about ${x.about}`),
    ...(r.incidents.length === 0
      ? []
      : [
          '',
          `Incidents (${r.incidents.length})`,
          ...r.incidents.map(
            (i) => `  ${when(i.at)}  ${i.incident} (${i.severity}) ${i.categories.join(', ')}${i.notifiedAt === undefined ? ', not notified' : `, notified ${when(i.notifiedAt)}`}`,
          ),
        ]),
    '',
    r.violations.length === 0 ? 'Violations: none' : `Violations (${r.violations.length})`,
    ...violationLines(r.violations),
    ...(r.obligations.length === 0 ? [] : ['', 'Open obligations', ...obligationLines(r.obligations)]),
  ];
  return displayLines(out);
};
