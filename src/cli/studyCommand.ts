/**
 * `snn-lab study <file | runs-dir>`: the study table (group, n, mean ± std, confidence interval per metric), nested
 * selection when the file has sweep.select, and with --compare A B the paired t-test, Wilcoxon signed-rank test,
 * sign test and (binary tasks) DeLong's test, as text, --json or --csv. Exit 2 for bad input, 1 when no run of the
 * study has finished.
 */
import { Option, type Command } from 'commander';
import type { PairedComparison } from '../core/study/compare';
import type { DelongPair } from '../core/study/delongPairs';
import { formatCount, formatInterval, formatP, formatStat } from '../core/study/format';
import type { GroupSummary } from '../core/study/group';
import { RunStore } from '../runs/runStore';
import { CliError, EXIT, action } from './cliShared';
import {
  analyseStudy,
  compareGroups,
  delongPairsOf,
  loadStudy,
  type StudyFlags,
  type StudyInput,
  type StudyResult,
} from './studyData';
import { formatTable } from './table';
import { writeOut, writeErr } from './output';

function summaryRows(summaries: readonly GroupSummary[], metrics: readonly string[]): string[][] {
  return summaries.flatMap((g) =>
    metrics.map((metric) => {
      const s = g.metrics[metric];
      if (!s || s.n === 0) return [g.label, metric, '0', '-', '-', '-', '-'];
      return [
        g.label,
        metric,
        formatCount(s, g.runs),
        `${formatStat(s.mean)} ± ${formatStat(s.std)}`,
        formatInterval(s),
        formatStat(s.min),
        formatStat(s.max),
      ];
    }),
  );
}

function summaryTable(summaries: readonly GroupSummary[], metrics: readonly string[], level: number): string {
  const headers = ['group', 'metric', 'n', 'mean ± std', `${Math.round(level * 100)} % CI`, 'min', 'max'];
  return formatTable(headers, summaryRows(summaries, metrics), new Set([2, 5, 6]));
}

function comparisonText(c: PairedComparison, delong: DelongPair[]): string {
  const lines = [`${c.a} vs ${c.b} on ${c.metric} (pairs matched by ${c.pairBy.join(', ') || 'nothing'})`];
  const rows = c.pairs.map((p) => [p.unit, formatStat(p.a), formatStat(p.b), formatStat(p.difference)]);
  lines.push(formatTable(['unit', 'A', 'B', 'A - B'], rows, new Set([1, 2, 3])));
  for (const u of c.unmatched) lines.push(`  left out: ${u.unit} (${u.reason})`);
  const t = c.tTest;
  lines.push(
    `paired t-test         n = ${t.n}, t = ${formatStat(t.t, 3)}, df = ${t.df}, p = ${formatP(t.p)}; mean difference ${formatStat(t.meanDifference)} [${formatStat(t.ciLow)}, ${formatStat(t.ciHigh)}]`,
  );
  const w = c.wilcoxon;
  const how = w.method === 'exact' ? 'exact' : `normal approximation, z = ${formatStat(w.z, 3)}`;
  lines.push(
    `Wilcoxon signed-rank  n = ${w.n} (${w.zeros} zero), W = min(R+, R-) = ${w.statistic}, ${how}, ${w.zeroMethod} zeros, p = ${formatP(w.p)}`,
  );
  const s = c.sign;
  lines.push(`sign test             ${s.wins} wins, ${s.losses} losses, ${s.ties} ties, p = ${formatP(s.p)}`);
  const notes = new Set(delong.map((d) => d.note));
  if (delong.length > 1 && notes.size === 1 && !notes.has(undefined)) {
    lines.push(`DeLong                not run: ${delong[0]?.note}`);
    return lines.join('\n');
  }
  for (const d of delong) {
    lines.push(
      d.result
        ? `DeLong (${d.unit})      AUC ${formatStat(d.result.aucA)} vs ${formatStat(d.result.aucB)}, z = ${formatStat(d.result.z, 3)}, p = ${formatP(d.result.p)}`
        : `DeLong (${d.unit})      not run: ${d.note}`,
    );
  }
  return lines.join('\n');
}

function csvCell(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(headers: string[], rows: unknown[][]): string {
  return [headers, ...rows].map((row) => row.map(csvCell).join(',')).join('\n');
}

function summaryCsv(summaries: readonly GroupSummary[], metrics: readonly string[]): string {
  const rows = summaries.flatMap((g) =>
    metrics.map((metric) => {
      const s = g.metrics[metric];
      return [
        g.label,
        metric,
        s?.n ?? 0,
        s?.excluded ?? 0,
        s?.mean,
        s?.std,
        s?.ciLow,
        s?.ciHigh,
        s?.min,
        s?.max,
      ];
    }),
  );
  return csv(['group', 'metric', 'n', 'excluded', 'mean', 'std', 'ci_low', 'ci_high', 'min', 'max'], rows);
}

function testsCsv(comparisons: readonly PairedComparison[]): string {
  const rows = comparisons.flatMap((c) => [
    [c.metric, c.a, c.b, 'paired_t', c.tTest.n, c.tTest.t, c.tTest.df, c.tTest.p],
    [c.metric, c.a, c.b, 'wilcoxon', c.wilcoxon.n, c.wilcoxon.statistic, '', c.wilcoxon.p],
    [c.metric, c.a, c.b, 'sign', c.sign.n, c.sign.wins, '', c.sign.p],
  ]);
  return csv(['metric', 'a', 'b', 'test', 'n', 'statistic', 'df', 'p'], rows);
}

function print(text: string): void {
  writeOut(`${text}\n`);
}

function report(input: StudyInput, result: StudyResult, flags: StudyFlags): void {
  const level = flags.level !== undefined ? Number(flags.level) : 0.95;
  const compared = flags.compare
    ? compareGroups(result, flags.compare as [string, string], flags)
    : undefined;
  const store = new RunStore(input.runsDir);
  const delong = compared?.comparisons.map((c) =>
    /auc/.test(c.metric) ? delongPairsOf(c, input.runs, store) : [],
  );
  if (flags.json) {
    const json = {
      runsDir: input.runsDir,
      finishedRuns: input.runs.length,
      plannedRuns: input.plans?.length,
      unfinished: input.unfinished,
      groups: result.summaries,
      selection: result.selection && { ...result.selection, groups: result.selectionSummaries },
      comparisons: compared?.comparisons.map((c, i) => ({ ...c, delong: delong?.[i] ?? [] })),
    };
    print(
      JSON.stringify(
        json,
        (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
        2,
      ),
    );
    return;
  }
  if (flags.csv) {
    print(compared ? testsCsv(compared.comparisons) : summaryCsv(result.summaries, result.metrics));
    return;
  }
  const planned = input.plans ? ` of ${input.plans.length} planned` : '';
  const others = Object.entries(input.unfinished).map(([status, n]) => `${n} ${status}`);
  print(
    `${input.runs.length} finished runs${planned}${others.length > 0 ? ` (${others.join(', ')})` : ''} in ${input.runsDir}\n`,
  );
  print(summaryTable(result.summaries, result.metrics, level));
  if (result.selection && result.selectionSummaries) {
    const { metric, mode, choices } = result.selection;
    print(
      `\nnested selection: the sweep point with the ${mode === 'min' ? 'lowest' : 'highest'} ${metric}, per unit`,
    );
    for (const c of choices) {
      const point = c.point
        ? Object.entries(c.point)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')
        : '';
      print(
        `  ${c.unit}: ${c.runId ? `${point} (${metric} ${formatStat(c.value)}, of ${c.candidates})` : `no run recorded ${metric}`}`,
      );
    }
    print(`\n${summaryTable(result.selectionSummaries, result.metrics, level)}`);
  }
  compared?.comparisons.forEach((c, i) => print(`\n${comparisonText(c, delong?.[i] ?? [])}`));
}

export function registerStudyCommand(program: Command): void {
  program
    .command('study')
    .description(
      'aggregate the finished runs of a study: groups, mean ± std, confidence intervals, paired tests',
    )
    .argument('<target>', 'experiment file (its runs) or a runs directory (every run in it)')
    .option('--runs-dir <dir>', 'run store directory (default: as `snn-lab run`)')
    .option('--group-by <keys>', 'comma-separated keys forming groups (default: all but repeat and fold)')
    .option('--metric <names>', 'comma-separated metrics (default: every test_ metric)')
    .option(
      '--compare <groups...>',
      'two groups (label, a part of it such as a variant name) to test pairwise',
    )
    .option(
      '--pair-by <keys>',
      'keys matching the runs of the compared groups (default: the keys not grouped by)',
    )
    .addOption(
      new Option('--zero-method <method>', 'Wilcoxon zero differences').choices([
        'pratt',
        'wilcox',
        'zsplit',
      ]),
    )
    .option('--level <p>', 'confidence level of the intervals', '0.95')
    .option('--json', 'print everything as JSON')
    .option('--csv', 'print the table (or, with --compare, the tests) as CSV')
    .action(
      action(async (target: string, flags: StudyFlags) => {
        if (flags.compare && flags.compare.length !== 2) {
          throw new CliError(`--compare takes two groups, got ${flags.compare.length}`);
        }
        if (flags.json && flags.csv) throw new CliError('use either --json or --csv');
        const input = await loadStudy(target, flags);
        if (input.runs.length === 0) {
          const others = Object.entries(input.unfinished)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ');
          writeErr(
            `snn-lab: no finished runs of ${target} in ${input.runsDir}${others ? ` (${others})` : ''}\n`,
          );
          process.exitCode = EXIT.runFailed;
          return;
        }
        report(input, analyseStudy(input, flags), flags);
      }),
    );
}
