/** A subject access report as one self-contained HTML file, for the subject or a regulator. */
import type { Policy } from '../domain/policy.js';
import type { SubjectReport } from '../projection/compliance-types.js';
import { html, type SafeHtml } from './html-template.js';
import { card, dataTable, obligationTable, page, pointer, section, violationList, when } from './html-page.js';
import { stackedBars, type Series } from './svg-charts.js';

const verdictCell = (verdict: 'ok' | 'violation', codes: readonly string[] | undefined, basis?: string): SafeHtml =>
  verdict === 'ok'
    ? html`<td class="ok">lawful${basis === undefined ? '' : html` (${basis})`}</td>`
    : html`<td class="bad">violation: ${(codes ?? []).join(', ')}</td>`;

const USE_SERIES: readonly Series[] = [
  { key: 'ok', label: 'lawful', tone: 's1' },
  { key: 'violation', label: 'violating', tone: 's4' },
];

const usesChart = (r: SubjectReport): SafeHtml => {
  const per = new Map<string, { ok: number; violation: number }>();
  for (const u of r.used) {
    const e = per.get(u.purpose) ?? { ok: 0, violation: 0 };
    per.set(u.purpose, e);
    e[u.verdict === 'ok' ? 'ok' : 'violation'] += u.count;
  }
  return stackedBars('Uses of this subject’s data per purpose', USE_SERIES, [...per].map(([label, values]) => ({ label, values })));
};

const table = (head: readonly string[], rows: readonly SafeHtml[]): SafeHtml => (rows.length === 0 ? html`<p class="empty">None.</p>` : dataTable(head, rows));

const summary = (r: SubjectReport): SafeHtml => {
  const uses = r.used.reduce((k, u) => k + u.count, 0);
  return section(
    'Summary',
    'summary',
    html`<div class="cards">${[
      card('collections', r.collected.length, pointer('collected')),
      card('uses', uses, pointer('used', '*', 'count')), // `*`: the sum over the entries
      card('disclosures', r.disclosed.length, pointer('disclosed')),
      card('consent events', r.consents.length, pointer('consents')),
      card('staff accesses', r.accessCount, pointer('accessCount')),
      card('notices', r.notified.length, pointer('notified')),
      card('violations', r.violations.length, pointer('violations'), true),
      card('open obligations', r.obligations.length, pointer('obligations')),
    ]}</div>${
      r.erasureRequested === undefined
        ? ''
        : html`<p>Erasure requested ${when(r.erasureRequested)}${r.erased === undefined ? ', not yet carried out.' : html`; erased ${when(r.erased)}.`}</p>`
    }`,
  );
};

const collected = (r: SubjectReport): SafeHtml =>
  section(
    'Collected',
    'collected',
    table(
      ['when', 'categories', 'purposes', 'source', 'policy', 'times', 'event'],
      r.collected.map((c) => html`<tr><td>${when(c.at)}</td><td>${c.categories.join(', ')}</td><td>${c.purposes.join(', ')}</td><td>${c.source}</td><td>${c.policyVersion}</td><td class="n">${c.count}</td><td><code>${c.eventId}</code></td></tr>`),
    ),
  );

const used = (r: SubjectReport): SafeHtml =>
  section(
    'Used',
    'used',
    usesChart(r),
    table(
      ['when', 'purpose', 'categories', 'times', 'verdict', 'proof'],
      r.used.map(
        (u) =>
          html`<tr><td>${when(u.at)}${u.lastAt === undefined ? '' : html` … ${when(u.lastAt)}`}</td><td>${u.purpose}</td><td>${u.categories.join(', ')}</td><td class="n">${u.count}</td>${verdictCell(u.verdict, u.codes, u.basis)}<td>${u.proof.map((p, i) => html`${i > 0 ? ', ' : ''}${p.type} <code>${p.eventId.slice(0, 8)}</code>`)}</td></tr>`,
      ),
    ),
  );

const disclosed = (r: SubjectReport): SafeHtml =>
  section(
    'Disclosed',
    'disclosed',
    table(
      ['when', 'recipient', 'reason', 'categories', 'verdict', 'notice', 'event'],
      r.disclosed.map(
        (d) =>
          html`<tr><td>${when(d.at)}</td><td>${d.recipient}</td><td>${d.reason}</td><td>${d.categories.join(', ')}</td>${verdictCell(d.verdict, d.codes)}<td>${d.notice.status}${d.notice.notifiedAt === undefined ? html` (due ${when(d.notice.dueBy)})` : html` ${when(d.notice.notifiedAt)}`}</td><td><code>${d.eventId}</code></td></tr>`,
      ),
    ),
  );

const consents = (r: SubjectReport): SafeHtml =>
  section(
    'Consents',
    'consents',
    table(
      ['when', 'change', 'purposes', 'recipients', 'policy', 'how', 'event'],
      r.consents.map((c) => html`<tr><td>${when(c.at)}</td><td>${c.kind}</td><td>${c.purposes.join(', ')}</td><td>${(c.recipients ?? []).join(', ')}</td><td>${c.policyVersion ?? ''}</td><td>${c.method ?? ''}</td><td><code>${c.eventId}</code></td></tr>`),
    ),
    Object.keys(r.consentState).length === 0
      ? ''
      : html`<p>At ${when(r.at)}: ${Object.entries(r.consentState).map(([p, s], i) => html`${i > 0 ? '; ' : ''}${p} <b>${s}</b>`)}.</p>`,
  );

const accessed = (r: SubjectReport): SafeHtml =>
  section(
    'Staff accesses',
    'accesses',
    r.accessCount > r.accessed.length ? html`<p>${(r.accessCount - r.accessed.length).toLocaleString('en-US')} under a valid access grant (counted, not listed one by one).</p>` : '',
    table(
      ['when', 'staff', 'categories', 'purpose', 'verdict'],
      r.accessed.map((a) => html`<tr><td>${when(a.at)}</td><td>${a.staff}</td><td>${a.categories.join(', ')}</td><td>${a.purpose}</td>${verdictCell(a.verdict, a.codes)}</tr>`),
    ),
  );

const notified = (r: SubjectReport): SafeHtml =>
  section(
    'Notified',
    'notified',
    table(
      ['when', 'notice', 'channel', 'about'],
      r.notified.map((n) => html`<tr><td>${when(n.at)}</td><td>${n.type}</td><td>${n.channel}</td><td>${n.about}</td></tr>`),
    ),
    r.incidents.length === 0
      ? ''
      : html`<h3>Incidents</h3>${table(
          ['detected', 'incident', 'severity', 'categories', 'subject notified'],
          r.incidents.map((i) => html`<tr><td>${when(i.at)}</td><td>${i.incident}</td><td>${i.severity}</td><td>${i.categories.join(', ')}</td><td>${i.notifiedAt === undefined ? html`<span class="bad">no</span>` : when(i.notifiedAt)}</td></tr>`),
        )}`,
  );

const bodyOf = (r: SubjectReport, policy: Policy | undefined): SafeHtml =>
  html`${summary(r)}
${collected(r)}
${used(r)}
${disclosed(r)}
${consents(r)}
${accessed(r)}
${notified(r)}
${section('Violations', 'violations', violationList(r.violations, policy))}
${section('Open obligations', 'obligations', obligationTable(r.obligations))}`;

/** The subject access report as one HTML file: no script, no external resource, every string escaped. */
export const renderSubjectHtml = (r: SubjectReport, options: { readonly policy?: Policy; readonly generatedAt?: string } = {}): string => {
  const head = html`<header><h1>Subject access report: <code>${r.subject}</code></h1>
<p class="meta">At ${when(r.at)}. Made ${when(options.generatedAt ?? new Date().toISOString())} by privacy-ledger.</p></header>`;
  const body = r.known ? bodyOf(r, options.policy) : html`<p>The ledger holds no fact about this subject.</p>`;
  return page(`Subject access report: ${r.subject}`, html`${head}${body}`);
};
