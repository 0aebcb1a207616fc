/** The audit as one self-contained HTML file for a regulator: figures, charts, every violation with its proof command. */
import type { Policy } from '../domain/policy.js';
import type { ComplianceReport, DisclosureVerdict } from '../projection/compliance-types.js';
import { RULE_CATALOGUE, parameterValues } from '../projection/rules-catalogue.js';
import type { IntegrityFinding } from '../seal/verify.js';
import { html, type SafeHtml } from './html-template.js';
import { card, dataTable, figure, numCell, numeric, obligationTable, page, pointer, section, violationList, when } from './html-page.js';
import { columns, perDay, stackedBars, type Series } from './svg-charts.js';

/** What the verification found, as the JSON report carries it under `integrity`. */
export interface IntegritySummary {
  readonly store: string;
  readonly checked: number;
  readonly findings: readonly IntegrityFinding[];
  /** The ledger's identity (its checkpoint origin), and the Merkle log's size and root (hex) as verified. */
  readonly ledger?: string | undefined;
  readonly treeSize?: number;
  readonly root?: string;
  /** The signed checkpoints the log was held to. */
  readonly checkpoints?: readonly CheckpointSummary[];
}

export interface CheckpointSummary {
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  readonly held: boolean;
  readonly witnessedBy: readonly string[];
  readonly problem?: string;
}

export interface AuditDocument {
  readonly report: ComplianceReport;
  readonly integrity: IntegritySummary;
  /** The policy in force at the evaluation time, for the rules' parameter values. */
  readonly policy?: Policy;
  /** When the document was made; default now. */
  readonly generatedAt?: string;
}

const USE_SERIES: readonly Series[] = [
  { key: 'collection-purpose', label: 'collected for it', tone: 's1' },
  { key: 'assessed-compatible', label: 'assessed compatible', tone: 's2' },
  { key: 'consent', label: 'consented', tone: 's3' },
  { key: 'violations', label: 'violating', tone: 's4' },
];

const DISCLOSURE_SERIES: readonly Series[] = [
  { key: 'notified', label: 'notified in time', tone: 's1' },
  { key: 'pending', label: 'notice not yet due', tone: 's3' },
  { key: 'overdue', label: 'notice overdue or late', tone: 's4' },
];

const logSection = (i: IntegritySummary): SafeHtml => {
  const log =
    i.treeSize === undefined
      ? ''
      : html`<h3>Log</h3><table><tbody><tr><th>identity</th><td><code>${i.ledger ?? '(none)'}</code></td></tr><tr><th>entries</th><td>${figure(i.treeSize, pointer('integrity', 'treeSize'))}</td></tr><tr><th>root (SHA-256)</th><td><code>${i.root ?? ''}</code></td></tr></tbody></table>`;
  const held = i.checkpoints ?? [];
  return html`${log}${
    held.length === 0
      ? html`<p class="meta">Not held to a signed checkpoint: verify with <code>--checkpoint FILE</code> (and <code>--witness</code>) to prove the log was not rewritten since one was published.</p>`
      : html`<h3>Checkpoints</h3>${dataTable(
          ['origin', numeric('size'), 'root', 'held', 'witnessed by'],
          held.map(
            (c) =>
              html`<tr><td><code>${c.origin}</code></td><td class="n">${c.size}</td><td><code>${c.root}</code></td><td>${c.held ? html`<span class="ok">yes</span>` : html`<span class="bad">no</span>${c.problem === undefined ? '' : html`: ${c.problem}`}`}</td><td>${c.witnessedBy.join(', ') || '—'}</td></tr>`,
          ),
        )}`
  }`;
};

const integritySection = (i: IntegritySummary): SafeHtml => {
  const bad = i.findings.length > 0;
  return section(
    'Verification',
    'verification',
    html`<div class="${bad ? 'integrity-bad' : ''}"><p>${bad ? html`<span class="bad">Integrity findings:</span> the facts below cannot all be trusted.` : html`<span class="ok">Every signature and chain link verifies.</span>`}
Events checked: <b>${figure(i.checked, pointer('integrity', 'checked'))}</b>; findings: <b>${figure(i.findings.length, pointer('integrity', 'findings'))}</b>. Ledger: <code>${i.store}</code>.</p>
${bad ? dataTable(['code', 'event', 'stream', 'revision', 'finding'], i.findings.map((f) => html`<tr><td>${f.code}</td><td><code>${f.eventId}</code></td><td>${f.stream}</td><td>${f.revision}</td><td>${f.message}</td></tr>`)) : ''}
${logSection(i)}</div>`,
  );
};

const usesSection = (r: ComplianceReport): SafeHtml => {
  const purposes = Object.entries(r.summary.byPurpose).sort((a, b) => b[1].uses - a[1].uses);
  const rows = purposes.map(([p, c]) => ({ label: p, values: { ...c.byBasis, violations: c.violations } }));
  return section(
    'Uses per purpose and basis',
    'uses',
    stackedBars('Uses per purpose, by the basis each lawful use rests on', USE_SERIES, rows),
    purposes.length === 0
      ? ''
      : dataTable(
          ['purpose', ...['uses', 'collected for it', 'assessed compatible', 'consented', 'violating'].map(numeric)],
          purposes.map(
            ([p, c]) =>
              html`<tr><td>${p}</td>${numCell(c.uses, pointer('summary', 'byPurpose', p, 'uses'))}${numCell(c.byBasis['collection-purpose'], pointer('summary', 'byPurpose', p, 'byBasis', 'collection-purpose'))}${numCell(c.byBasis['assessed-compatible'], pointer('summary', 'byPurpose', p, 'byBasis', 'assessed-compatible'))}${numCell(c.byBasis.consent, pointer('summary', 'byPurpose', p, 'byBasis', 'consent'))}${numCell(c.violations, pointer('summary', 'byPurpose', p, 'violations'))}</tr>`,
          ),
        ),
  );
};

const byRecipient = (ds: readonly DisclosureVerdict[]): { reason: string; recipient: string; count: number; violating: number }[] => {
  const m = new Map<string, { reason: string; recipient: string; count: number; violating: number }>();
  for (const d of ds) {
    const k = JSON.stringify([d.reason, d.recipient]);
    const e = m.get(k) ?? { reason: d.reason, recipient: d.recipient, count: 0, violating: 0 };
    m.set(k, e);
    e.count++;
    if (d.verdict === 'violation') e.violating++;
  }
  return [...m.values()].sort((a, b) => a.reason.localeCompare(b.reason) || b.count - a.count || a.recipient.localeCompare(b.recipient));
};

const disclosuresSection = (r: ComplianceReport): SafeHtml => {
  const reasons = Object.entries(r.summary.byReason).sort((a, b) => b[1].disclosures - a[1].disclosures);
  const rows = reasons.map(([reason, c]) => ({ label: reason, values: { notified: c.notified, pending: c.pending, overdue: c.overdue } }));
  const recipients = byRecipient(r.disclosures);
  return section(
    'Disclosures per reason and recipient',
    'disclosures',
    stackedBars('Disclosures per reason, by whether the subject was told', DISCLOSURE_SERIES, rows),
    reasons.length === 0
      ? ''
      : html`${dataTable(
          ['reason', 'lawful reason', ...['disclosures', 'notified', 'not yet due', 'overdue', 'violating'].map(numeric)],
          reasons.map(
            ([reason, c]) =>
              html`<tr><td>${reason}</td><td>${c.lawful ? 'yes' : html`<span class="bad">no</span>`}</td>${numCell(c.disclosures, pointer('summary', 'byReason', reason, 'disclosures'))}${numCell(c.notified, pointer('summary', 'byReason', reason, 'notified'))}${numCell(c.pending, pointer('summary', 'byReason', reason, 'pending'))}${numCell(c.overdue, pointer('summary', 'byReason', reason, 'overdue'))}${numCell(c.violations, pointer('summary', 'byReason', reason, 'violations'))}</tr>`,
          ),
        )}
<h3>By recipient</h3>
${dataTable(
  ['reason', 'recipient', numeric('disclosures'), numeric('violating')],
  recipients.map((x) => html`<tr><td>${x.reason}</td><td>${x.recipient}</td>${numCell(x.count)}${numCell(x.violating)}</tr>`),
)}`,
  );
};

const violationsSection = (r: ComplianceReport, policy: Policy | undefined): SafeHtml => {
  const codes = Object.entries(r.summary.byCode).sort((a, b) => b[1]! - a[1]!);
  const rows = codes.map(([code, n]) => ({ label: RULE_CATALOGUE[code as keyof typeof RULE_CATALOGUE].title, values: { n: n! } }));
  return section(
    'Violations',
    'violations',
    html`<h3>Over time (by the day the offending fact happened)</h3>`,
    columns('Violations per day', perDay(r.violations.map((v) => v.at))),
    html`<h3>By rule</h3>`,
    stackedBars('Violations by rule', [{ key: 'n', label: 'violations', tone: 's4' }], rows),
    codes.length === 0
      ? ''
      : dataTable(
          ['code', 'rule', numeric('count')],
          codes.map(([code, n]) => html`<tr><td><code>${code}</code></td><td>${RULE_CATALOGUE[code as keyof typeof RULE_CATALOGUE].title}</td>${numCell(n!, pointer('summary', 'byCode', code))}</tr>`),
        ),
    html`<h3>Each violation, its rule, its evidence and how to prove it</h3>`,
    violationList(r.violations, policy),
  );
};

const obligationsSection = (r: ComplianceReport): SafeHtml =>
  section(
    'Open obligations by due date',
    'obligations',
    columns('Open obligations per due day', perDay(r.obligations.map((o) => o.dueBy)), 's2'),
    obligationTable(r.obligations),
  );

const rulesSection = (policy: Policy | undefined): SafeHtml =>
  section(
    'The rules',
    'rules',
    dataTable(
      ['code', 'title', 'rule', 'parameters'],
      Object.values(RULE_CATALOGUE).map((x) => html`<tr><td><code>${x.code}</code></td><td>${x.title}</td><td>${x.text}</td><td>${parameterValues(x.code, policy).join('; ')}</td></tr>`),
    ),
  );

/** The audit report as one HTML file: no script, no external resource, every string escaped. */
export const renderAuditHtml = (doc: AuditDocument): string => {
  const { report: r, integrity, policy } = doc;
  const s = r.summary;
  const body = html`<header><h1>Compliance audit</h1>
<p class="meta">Judged at ${when(s.at)} by the policy in force at each fact (at that time: <b>${s.policyVersion}</b>). Made ${when(doc.generatedAt ?? new Date().toISOString())} by privacy-ledger.</p></header>
${integritySection(integrity)}
${section(
  'Summary',
  'summary',
  html`<div class="cards">${[
    card('facts', s.facts, pointer('summary', 'facts')),
    card('subjects', s.subjects, pointer('summary', 'subjects')),
    card('uses', s.uses, pointer('summary', 'uses')),
    card('uses violating', s.usesViolating, pointer('summary', 'usesViolating'), true),
    card('disclosures', s.disclosures, pointer('summary', 'disclosures')),
    card('disclosures violating', s.disclosuresViolating, pointer('summary', 'disclosuresViolating'), true),
    card('staff accesses', s.accesses, pointer('summary', 'accesses')),
    card('accesses violating', s.accessesViolating, pointer('summary', 'accessesViolating'), true),
    card('incidents', s.incidents, pointer('summary', 'incidents')),
    card('violations', s.violations, pointer('summary', 'violations'), true),
    card('open obligations', s.obligations, pointer('summary', 'obligations')),
  ]}</div>`,
)}
${usesSection(r)}
${disclosuresSection(r)}
${violationsSection(r, policy)}
${obligationsSection(r)}
${rulesSection(policy)}`;
  return page(`Compliance audit at ${when(s.at)}`, body);
};
