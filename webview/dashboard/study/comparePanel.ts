/**
 * The Study tab's paired-comparison panel: pick groups A and B, a metric and Wilcoxon's zero method; see the paired
 * t-test, Wilcoxon signed-rank and sign test (and DeLong's test for AUCs, on request: it needs the runs' test
 * predictions from the host), the per-unit values and differences as a table, and the differences as a chart.
 */
import type { PairedComparison } from '../../../src/core/study/compare';
import { delongPairs } from '../../../src/core/study/delongPairs';
import type { ZeroMethod } from '../../../src/core/study/wilcoxon';
import { formatStat } from '../../../src/core/study/format';
import type { RunId } from '../../../src/protocol/ids';
import type { DashboardData } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import { ErrorBarChart } from '../charts/errorBarChart';
import { button, el, select } from '../controls';
import { comparePicked, comparePicks, delongApplies, delongRuns, testRows } from './compareModel';
import { section, type StudySectionContext } from './studySection';
import type { StudyView } from './studyModel';
import type { StudyUi } from './studyUi';

const ZERO_METHODS: { value: ZeroMethod; label: string }[] = [
  { value: 'pratt', label: 'Pratt (rank, then drop)' },
  { value: 'wilcox', label: 'Wilcoxon (drop first)' },
  { value: 'zsplit', label: 'split between R+ and R-' },
];

function table(caption: string, head: readonly string[], rows: readonly (readonly string[])[], cls: string) {
  const t = el('table', cls);
  t.append(el('caption', '', caption));
  const tr = el('tr');
  for (const h of head) {
    const th = el('th', '', h);
    th.scope = 'col';
    tr.append(th);
  }
  const thead = el('thead');
  thead.append(tr);
  const tbody = el('tbody');
  for (const row of rows) {
    const r = el('tr');
    row.forEach((cell, i) => {
      const c = i === 0 ? el('th', '', cell) : el('td', '', cell);
      if (i === 0) (c as HTMLTableCellElement).scope = 'row';
      r.append(c);
    });
    tbody.append(r);
  }
  t.append(thead, tbody);
  return t;
}

export class ComparePanel {
  readonly element: HTMLElement;
  /** The comparison and DeLong pairs on screen (read by the tests through the Study tab's probe). */
  shown: { comparison?: PairedComparison; delong?: ReturnType<typeof delongPairs> } = {};
  private readonly pickA;
  private readonly pickB;
  private readonly pickMetric;
  private readonly pickZero;
  private readonly body = el('div', 'compare-body');
  readonly chart: ErrorBarChart;
  /** Runs whose predictions were asked for. */
  private readonly asked = new Set<string>();

  constructor(private readonly ctx: StudySectionContext) {
    const { element } = section('study-compare', 'Paired comparison');
    this.element = element;
    const none = [{ value: '', label: '-' }];
    this.pickA = select('Group A', none, '', (v) => ctx.update({ compareA: v }), 'study-compare-a');
    this.pickB = select('Group B', none, '', (v) => ctx.update({ compareB: v }), 'study-compare-b');
    this.pickMetric = select(
      'Metric',
      none,
      '',
      (v) => ctx.update({ compareMetric: v }),
      'study-compare-metric',
    );
    this.pickZero = select(
      'Wilcoxon zeros',
      ZERO_METHODS,
      'pratt',
      (v) => ctx.update({ zeroMethod: v }),
      'study-zero',
    );
    const bar = el('div', 'toolbar');
    bar.append(this.pickA.element, this.pickB.element, this.pickMetric.element, this.pickZero.element);
    const chartBox = el('div', 'grid');
    element.append(bar, this.body, chartBox);
    this.chart = new ErrorBarChart({
      id: 'study:differences',
      title: 'Paired differences A − B',
      parent: chartBox,
      save: ctx.save,
      theme: ctx.theme,
      csv: () => {
        const c = this.shown.comparison;
        return toCsv(
          ['unit', 'a', 'b', 'difference'],
          (c?.pairs ?? []).map((p) => [p.unit, p.a, p.b, p.difference]),
        );
      },
    });
  }

  render(view: StudyView, ui: StudyUi, data: DashboardData): void {
    const picks = comparePicks(view.groups, view.allMetrics, view.metrics[0], ui);
    const groups = view.groups.map((g) => ({ value: g.id, label: g.label }));
    this.pickA.setOptions(groups, picks.a?.id ?? '');
    this.pickB.setOptions(groups, picks.b?.id ?? '');
    this.pickMetric.setOptions(
      view.allMetrics.map((m) => ({ value: m, label: m })),
      picks.metric ?? '',
    );
    this.pickZero.setOptions(ZERO_METHODS, ui.zeroMethod);
    const c = comparePicked(picks, ui.zeroMethod);
    this.body.replaceChildren();
    if (!c) {
      this.body.append(el('p', 'empty', 'A comparison needs two groups.'));
      this.shown = {};
      this.chart.set([], { xTitle: 'unit', yTitle: 'A − B' });
      return;
    }
    const predictions = data.predictions ?? {};
    const needed = delongRuns(c);
    const have = needed.every((id) => predictions[id] !== undefined);
    const delong = delongApplies(c) && have ? delongPairs(c, (id) => predictions[id]) : undefined;
    this.shown = { comparison: c, ...(delong ? { delong } : {}) };
    const by = c.pairBy.length > 0 ? c.pairBy.join(', ') : 'nothing';
    this.body.append(
      el(
        'p',
        'note',
        `A = ${c.a}, B = ${c.b}; ${c.metric}, pairs matched by ${by}; two-sided tests of A − B.`,
      ),
    );
    this.body.append(
      table('Tests', ['test', 'n', 'statistic', 'p', 'details'], testRows(c, delong), 'study-tests'),
    );
    if (delongApplies(c) && !delong) this.body.append(this.delongRequest(needed));
    const rows = c.pairs.map((p) => [p.unit, formatStat(p.a), formatStat(p.b), formatStat(p.difference)]);
    this.body.append(table('Values per unit', ['unit', 'A', 'B', 'A − B'], rows, 'study-pairs'));
    if (c.unmatched.length > 0) {
      const list = el('ul', 'unmatched');
      for (const u of c.unmatched) list.append(el('li', '', `left out: ${u.unit} (${u.reason})`));
      this.body.append(list);
    }
    this.chart.card.setTitle(`${c.metric}: A − B per unit`, `A = ${c.a}, B = ${c.b}`);
    this.chart.set(
      [
        {
          label: 'A − B',
          color: runColor(this.ctx.theme, 0),
          xs: c.pairs.map((_, i) => i),
          ys: c.pairs.map((p) => p.difference),
          lower: c.pairs.map(() => Number.NaN),
          upper: c.pairs.map(() => Number.NaN),
          line: false,
          describe: (i) => {
            const p = c.pairs[i];
            return p
              ? [p.unit, `A ${formatStat(p.a)}, B ${formatStat(p.b)}`, `A − B ${formatStat(p.difference)}`]
              : [];
          },
        },
      ],
      {
        xTitle: c.pairBy.join(', ') || 'unit',
        yTitle: `${c.metric} A − B`,
        categories: c.pairs.map((p) => p.unit),
        reference: [0],
      },
    );
  }

  destroy(): void {
    this.chart.destroy();
  }

  /** The button asking the host for the predictions DeLong's test reads, or the wait after it was pressed. */
  private delongRequest(needed: readonly string[]): HTMLElement {
    if (needed.every((id) => this.asked.has(id))) {
      const wait = el('p', 'note', "Reading the runs' test predictions for DeLong's test…");
      wait.setAttribute('role', 'status');
      return wait;
    }
    const ask = button(
      "Run DeLong's test",
      () => {
        for (const id of needed) this.asked.add(id);
        this.ctx.post({ type: 'requestPredictions', runIds: needed as RunId[] });
        ask.replaceWith(this.delongRequest(needed));
      },
      true,
      "Reads the compared runs' test predictions (predictions.csv) for DeLong's test of the two AUCs",
    );
    ask.id = 'study-delong';
    return ask;
  }
}
