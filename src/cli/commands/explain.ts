import type { Explanation } from '../../ledger/explain.js';
import { parse, required } from '../args.js';
import { verdictExit } from '../exit.js';
import { explainJson } from '../json.js';
import { ledgerOptions, openCliLedger, trustOption } from '../open.js';
import { evaluationTime, integrityBanner } from './audit.js';

const render = (e: Explanation): string[] => [
  `${e.type} ${e.eventId}`,
  `  sealed in ${e.stream} #${e.revision}, recorded ${e.recordedAt}, signed by ${e.keyId}, hash ${e.hash}`,
  `  fact: ${JSON.stringify(e.fact)}`,
  ...(e.erased ? ['  its subject was erased: the fact is shown as sealed, and nothing of it can be opened'] : []),
  '',
  `verdict: ${e.verdict.toUpperCase()}${e.basis === undefined ? '' : ` — basis ${e.basis}: ${e.basisText}`}`,
  ...(e.proof.length ? ['proof:', ...e.proof.map((p) => `  ${p.type} ${p.eventId}  hash ${p.hash}`)] : []),
  ...e.violations.flatMap((v) => [
    `violation ${v.code}: ${v.rule}`,
    `  ${v.message}`,
    `  evidence: ${v.evidence.length ? v.evidence.join(', ') : 'none recorded (the absence of a fact is the finding)'}`,
  ]),
  ...e.obligations.map((o) => `obligation: ${o.kind} due ${o.dueBy}: ${o.message}`),
  ...(e.rules.length ? ['rules that judge this fact:', ...e.rules.map((r) => `  ${r.code}: ${r.text}`)] : ['no rule judges facts of this type']),
];

export const explainCommand = async (args: readonly string[]): Promise<number> => {
  const { values } = parse(args, { ...ledgerOptions, ...trustOption, event: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } });
  const eventId = required(values.event, '--event ID');
  const at = evaluationTime(values.at);
  const ledger = await openCliLedger(values);
  try {
    const e = await ledger.explain(eventId, at);
    if (values.json) console.log(JSON.stringify(explainJson(ledger.store.name, e), null, 2));
    else {
      integrityBanner(e.integrity.findings, (l) => console.log(l));
      console.log(render(e).join('\n'));
    }
    return verdictExit(e.integrity.findings.length, e.violations.length);
  } finally {
    await ledger.close();
  }
};
