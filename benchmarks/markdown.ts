/**
 * The README's tables, made from a --json file rather than copied by hand:
 * `node dist/benchmarks/markdown.js FILE.json` prints the command, the machine and its load,
 * each figure's median with min – max and the cores it kept busy, and the ratios of medians.
 */
import { pathToFileURL } from 'node:url';
import { readResult } from './compare.js';
import { runsText } from './harness-cli.js';
import type { BenchResult, FigureSummary } from './harness.js';

const num = (x: number): string => {
  const a = Math.abs(x);
  if (a >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(a >= 10 ? 1 : a >= 1 ? 2 : 3);
};

// Older result files carry no main-thread time: shown blank.
const mainOf = (f: FigureSummary): string => (f.kind === 'value' || !(f.mainMsPerUnit > 0) ? '' : `${num(f.mainMsPerUnit * 1000)} µs`);
const cores = (f: FigureSummary): string => (f.kind === 'value' || f.wallMsMedian === 0 ? '' : (f.cpuMsMedian / f.wallMsMedian).toFixed(2));

export const markdownOf = (r: BenchResult): string => {
  const m = r.machine;
  const lines = [
    `\`${['npm run', r.benchmark, ...(r.command.length > 1 ? ['--', ...r.command.slice(1)] : [])].join(' ')}\` — ${r.description}.`,
    `${r.quick ? 'One pass (--quick)' : `${runsText(r)}, interleaved`}, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, node ${m.node}, ${m.cores} cores; ` +
      `load average ${m.loadavgStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${m.loadavgEnd.map((x) => x.toFixed(2)).join(' ')} at the end.`,
    '',
    '| figure | median | min – max | CPU / wall (cores) | main thread a unit |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...r.figures.map((f) => `| ${f.figure} | **${num(f.median)}** ${f.unit} | ${f.samples === 1 ? '—' : `${num(f.min)} – ${num(f.max)}`} | ${cores(f)} | ${mainOf(f)} |`),
  ];
  if (r.ratios.length > 0) {
    lines.push('', '| ratio of medians | | noise |', '| --- | ---: | ---: |');
    for (const x of r.ratios) lines.push(`| ${x.label}${x.basis === 'main thread' ? ' (main-thread time a unit)' : ''} | **${x.ratio.toFixed(2)}x**${x.aboveCeiling ? ' (above its ceiling beyond the noise)' : ''} | ${(x.noise * 100).toFixed(0)}% |`);
  }
  return lines.join('\n');
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const file of process.argv.slice(2)) console.log(markdownOf(readResult(file)) + '\n');
}
