/**
 * What the HTML audit and subject reports share: the page shell (one file, no script, a
 * Content-Security-Policy that forbids any network or script), the stylesheet for screen
 * and print, figures tied to the JSON report, and the violation and obligation lists.
 */
import type { Policy } from '../domain/policy.js';
import type { Obligation, Violation } from '../projection/compliance-types.js';
import { parameterValues, ruleOf } from '../projection/rules-catalogue.js';
import { proveCommand } from './prove.js';
import { html, toHtmlString, trusted, type HtmlValue, type SafeHtml } from './html-template.js';

const CSS = `
:root{--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--bad:#a40e26;--s1:#1f4e79;--s2:#5b9bd5;--s3:#9dc3e6;--s4:#c00000;--s5:#f4b183}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);margin:0 auto;max-width:1040px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid var(--ink);padding-bottom:2px}h3{font-size:15px;margin:16px 0 6px}
.meta{color:var(--muted);margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:4px;padding:6px 10px}.card b{display:block;font-size:22px}.card>span{color:var(--muted);font-size:12px}
.card.alert b{color:var(--bad)}
table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.ok{color:#1a7f37}.bad{color:var(--bad);font-weight:600}
.chart{max-width:100%;height:auto;display:block;margin:6px 0}
.chart text{font:11px system-ui,sans-serif;fill:var(--ink)}.chart .tick{fill:var(--muted);font-size:10px}.chart .axis{stroke:var(--muted)}
.s1{fill:var(--s1)}.s2{fill:var(--s2)}.s3{fill:var(--s3)}.s4{fill:var(--s4)}.s5{fill:var(--s5)}
.s1,.s2,.s3,.s4,.s5{stroke:var(--ink);stroke-width:.4}.s3{stroke-dasharray:2 1}.s5{stroke-dasharray:1 1}
.violation{border:1px solid var(--line);border-left:4px solid var(--bad);border-radius:4px;padding:6px 10px;margin:8px 0;break-inside:avoid;content-visibility:auto;contain-intrinsic-size:auto 190px}
.violation h3{margin:0 0 4px;font-size:14px}.violation p{margin:3px 0}.violation dl{display:grid;grid-template-columns:110px 1fr;gap:2px 8px;margin:4px 0}
.violation dt{color:var(--muted)}.violation dd{margin:0}
.integrity-bad{border:2px solid var(--bad);padding:6px 10px}
.empty{color:var(--muted)}
@media print{
  body{max-width:none;padding:0;font-size:11pt}
  h2{break-after:avoid}figure,table,.card,svg{break-inside:avoid}
  .violation{content-visibility:visible}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  @page{size:A4;margin:14mm}
}`;

/** The whole document: no script, and a policy that lets none run and nothing load. */
export const page = (title: string, body: SafeHtml): string =>
  toHtmlString(html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="privacy-ledger">
<title>${title}</title>
<style>${CSS_HTML}</style>
</head>
<body>
${body}
</body>
</html>
`);

const CSS_HTML: SafeHtml = trusted(CSS);

const fmt = (x: number): string => x.toLocaleString('en-US');

/** A JSON Pointer (RFC 6901) into the JSON report. */
export const pointer = (...parts: readonly (string | number)[]): string =>
  parts.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/**
 * A number shown on the page and where the JSON report has it: the browser test reads
 * every `data-figure` and compares it with the JSON (an array's figure is its length; a `*`
 * step sums over an array's entries).
 */
export const figure = (value: number, path: string): SafeHtml => html`<span data-figure="${path}">${fmt(value)}</span>`;

export const card = (label: string, value: number, path: string, bad = false): SafeHtml =>
  html`<div class="card${bad && value > 0 ? ' alert' : ''}"><b>${figure(value, path)}</b><span>${label}</span></div>`;

export const numCell = (value: number, path?: string): SafeHtml =>
  html`<td class="n">${path === undefined ? fmt(value) : figure(value, path)}</td>`;

/** `2026-03-01T14:07:28Z` → `2026-03-01 14:07:28 UTC`. */
export const when = (iso: string): string => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');


const violationItem = (v: Violation, i: number, policy: Policy | undefined): SafeHtml => {
  const rule = ruleOf(v.code);
  const params = parameterValues(v.code, policy);
  return html`<article class="violation" id="v-${i + 1}">
<h3>${i + 1}. ${rule.title} <code>${v.code}</code></h3>
<p>${v.message}</p>
<dl>
<dt>when</dt><dd>${when(v.at)}</dd>
${v.subject === undefined ? '' : html`<dt>subject</dt><dd><code>${v.subject}</code></dd>`}
<dt>event</dt><dd><code>${v.eventId}</code></dd>
<dt>rule</dt><dd>${rule.text}${params.length === 0 ? '' : html` <span class="meta">(${params.join('; ')})</span>`}</dd>
<dt>evidence</dt><dd>${
    v.evidence.length === 0 ? html`<span class="meta">none recorded: the absence of a fact is the finding</span>` : v.evidence.map((e, k) => html`${k > 0 ? ', ' : ''}<code>${e}</code>`)
  }</dd>
<dt>prove</dt><dd><code>${proveCommand(v.eventId)}</code></dd>
</dl>
</article>`;
};

export const violationList = (violations: readonly Violation[], policy: Policy | undefined): SafeHtml =>
  violations.length === 0 ? html`<p class="empty">No violations.</p>` : html`${violations.map((v, i) => violationItem(v, i, policy))}`;

/** A column heading; `numeric` marks a column of figures (set right). */
export interface Heading {
  readonly text: string;
  readonly numeric: true;
}
export const numeric = (text: string): Heading => ({ text, numeric: true });

/** A table of `rows` (each a `<tr>`) under one heading a column. */
export const dataTable = (head: readonly (string | Heading)[], rows: readonly SafeHtml[]): SafeHtml =>
  html`<table><thead><tr>${head.map((h) => (typeof h === 'string' ? html`<th>${h}</th>` : html`<th class="n">${h.text}</th>`))}</tr></thead><tbody>${rows}</tbody></table>`;

export const obligationTable = (obligations: readonly Obligation[]): SafeHtml =>
  obligations.length === 0
    ? html`<p class="empty">No open obligations.</p>`
    : dataTable(
        ['due', 'kind', 'status', 'subject', 'what', 'event'],
        obligations.map(
          (o) =>
            html`<tr><td>${when(o.dueBy)}</td><td>${o.kind}</td><td>${o.status}${o.deferredUntil === undefined ? '' : html` until ${when(o.deferredUntil)}`}</td><td>${o.subject ?? ''}</td><td>${o.message}</td><td><code>${o.eventId.slice(0, 8)}</code></td></tr>`,
        ),
      );

export const section = (title: string, id: string, ...content: HtmlValue[]): SafeHtml => html`<section id="${id}"><h2>${title}</h2>${content}</section>`;
