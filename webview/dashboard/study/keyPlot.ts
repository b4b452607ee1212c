/**
 * The Study tab's plot section: a metric's group mean against a chosen study key, one line per value of another
 * key, error bars = ± std or the 95 % interval; the remaining varying keys are held at a value or pooled (pickers
 * under the chart). Lines take the run palette's colours in order, with dashes as the second channel.
 */
import { formatStat } from '../../../src/core/study/format';
import type { StudyRun } from '../../../src/core/study/group';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import { ErrorBarChart, type ErrorBarSeries } from '../charts/errorBarChart';
import { checkbox, el, select } from '../controls';
import { metricVsKey, plotChoices, type MetricVsKey } from './metricVsKey';
import { keyValues } from './studyModel';
import { section, type StudySectionContext } from './studySection';
import type { ErrorBars, StudyUi } from './studyUi';

const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
const BARS: { value: ErrorBars; label: string }[] = [
  { value: 'std', label: '± std' },
  { value: 'ci', label: '95 % CI' },
];

export class KeyPlotPanel {
  readonly element: HTMLElement;
  /** What the chart shows (read by the tests through the Study tab's probe). */
  shown: MetricVsKey | undefined;
  readonly chart: ErrorBarChart;
  private readonly pickMetric;
  private readonly pickX;
  private readonly pickLine;
  private readonly pickBars;
  private readonly held = el('div', 'toolbar held');
  private readonly empty = el('p', 'empty');
  private heldKey = '';
  private readonly logX: HTMLElement;

  constructor(private readonly ctx: StudySectionContext) {
    const { element } = section('study-plot', 'Metric against a key');
    this.element = element;
    const none = [{ value: '', label: '-' }];
    this.pickMetric = select('Metric', none, '', (v) => ctx.update({ plotMetric: v }), 'study-plot-metric');
    this.pickX = select('x', none, '', (v) => ctx.update({ plotX: v }), 'study-plot-x');
    this.pickLine = select('Lines by', none, '', (v) => ctx.update({ plotLine: v }), 'study-plot-line');
    this.pickBars = select('Error bars', BARS, 'std', (v) => ctx.update({ errorBars: v }), 'study-plot-bars');
    this.logX = checkbox('Log x', false, (v) => ctx.update({ logX: v }), 'study-plot-logx');
    const logX = this.logX;
    const bar = el('div', 'toolbar');
    bar.append(
      this.pickMetric.element,
      this.pickX.element,
      this.pickLine.element,
      this.pickBars.element,
      logX,
    );
    this.empty.setAttribute('role', 'status');
    const grid = el('div', 'grid');
    element.append(bar, this.held, this.empty, grid);
    this.chart = new ErrorBarChart({
      id: 'study:metricVsKey',
      title: 'Metric against a key',
      parent: grid,
      save: ctx.save,
      theme: ctx.theme,
      className: 'tall',
      csv: () => this.csv(),
    });
  }

  render(runs: readonly StudyRun[], ui: StudyUi): void {
    const choice = plotChoices(runs, ui);
    this.pickMetric.setOptions(
      choice.metrics.map((m) => ({ value: m, label: m })),
      choice.metric,
    );
    this.pickX.setOptions(
      choice.keys.map((k) => ({ value: k, label: k })),
      choice.x ?? '',
    );
    this.pickLine.setOptions(
      [
        { value: '-', label: 'one line' },
        ...choice.keys.filter((k) => k !== choice.x).map((k) => ({ value: k, label: k })),
      ],
      choice.line ?? '-',
    );
    this.pickBars.setOptions(BARS, ui.errorBars);
    (document.getElementById('study-plot-logx') as HTMLInputElement | null)?.toggleAttribute(
      'checked',
      ui.logX,
    );
    if (choice.x === undefined || choice.metric === '') {
      this.empty.textContent =
        'The plot needs a key with at least two values (a sweep, variants or data sets).';
      this.empty.hidden = false;
      this.chart.card.element.hidden = true;
      this.held.replaceChildren();
      this.shown = undefined;
      return;
    }
    this.empty.hidden = true;
    this.chart.card.element.hidden = false;
    const model = metricVsKey(runs, {
      metric: choice.metric,
      x: choice.x,
      ...(choice.line ? { line: choice.line } : {}),
      fixed: ui.fixed,
      bars: ui.errorBars,
    });
    this.shown = model;
    this.renderHeld(runs, model, ui);
    const logX = ui.logX && model.numericX && model.lines.every((l) => l.points.every((p) => p.x > 0));
    const series: ErrorBarSeries[] = model.lines.map((line, k) => ({
      label: model.line ? `${model.line}=${line.label}` : model.metric,
      color: runColor(this.ctx.theme, k),
      dash: DASHES[Math.floor(k / this.ctx.theme.palette.length) % DASHES.length] ?? [],
      xs: line.points.map((p) => p.x),
      ys: line.points.map((p) => p.summary.mean),
      lower: line.points.map((p) => p.lower),
      upper: line.points.map((p) => p.upper),
      describe: (i) => {
        const p = line.points[i];
        if (!p) return [];
        const s = p.summary;
        return [
          `${model.line ? `${model.line}=${line.label}, ` : ''}${model.x}=${p.xLabel}`,
          `${model.metric} ${formatStat(s.mean)} ± ${formatStat(s.std)} (n = ${s.n})`,
          `95 % CI [${formatStat(s.ciLow)}, ${formatStat(s.ciHigh)}]`,
        ];
      },
    }));
    const bars = ui.errorBars === 'std' ? '± std' : '95 % CI';
    const pooled = model.pooled.length > 0 ? `; pooled over ${model.pooled.join(', ')}` : '';
    const held = Object.entries(model.held).map(([k, v]) => `${k}=${v}`);
    this.chart.card.setTitle(
      `${model.metric} against ${model.x}${model.line ? ` by ${model.line}` : ''}`,
      `group mean, bars ${bars}${held.length > 0 ? `; ${held.join(', ')}` : ''}${pooled}`,
    );
    this.chart.set(series, {
      xTitle: model.x,
      yTitle: model.metric,
      logX,
      ...(model.numericX ? {} : { categories: model.xLabels }),
    });
  }

  destroy(): void {
    this.chart.destroy();
  }

  /** One picker per key that is neither x nor lines: a value to hold it at, or all values pooled. */
  private renderHeld(runs: readonly StudyRun[], model: MetricVsKey, ui: StudyUi): void {
    const keys = [...Object.keys(model.held), ...model.pooled];
    const key = JSON.stringify([keys, ui.fixed]);
    if (key === this.heldKey) return;
    this.heldKey = key;
    this.held.replaceChildren(
      ...keys.map((k, i) => {
        const options = [
          { value: '', label: 'all (pooled)' },
          ...keyValues(runs, k).map((v) => ({ value: v.id, label: v.label })),
        ];
        return select(
          k,
          options,
          ui.fixed[k] ?? '',
          (v) => {
            const others = Object.entries(ui.fixed).filter(([name]) => name !== k);
            this.ctx.update({ fixed: Object.fromEntries(v === '' ? others : [...others, [k, v]]) });
          },
          `study-plot-held-${i}`,
        ).element;
      }),
    );
  }

  private csv(): string {
    const m = this.shown;
    if (!m) return toCsv(['x'], []);
    const rows = m.lines.flatMap((line) =>
      line.points.map((p) => [
        line.label,
        p.xLabel,
        p.summary.n,
        p.summary.mean,
        p.summary.std,
        p.summary.ciLow,
        p.summary.ciHigh,
      ]),
    );
    return toCsv([m.line ?? 'line', m.x, 'n', 'mean', 'std', 'ci_low', 'ci_high'], rows);
  }
}
