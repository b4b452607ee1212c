/**
 * Study tab: the finished runs of one experiment file seen together (docs/studies.md). A sortable table of groups
 * x metrics (mean ± std, n, 95 % interval), a metric against a chosen key with error bars, and a paired comparison
 * of two groups with the paired t-test, Wilcoxon signed-rank and sign test (DeLong for AUCs). Every number comes
 * from src/core/study, as in `snn-lab study`; the host sends the study's runs when asked (requestStudy) and again
 * when one of its runs changes status.
 */
import type { DashboardData } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { checkbox, el, select } from '../controls';
import { ComparePanel } from '../study/comparePanel';
import { KeyPlotPanel } from '../study/keyPlot';
import { studyProbe } from '../study/studyProbe';
import { chooseStudy, studyChoices, studyView, type StudyView } from '../study/studyModel';
import type { StudySectionContext } from '../study/studySection';
import { section } from '../study/studySection';
import { studyTable } from '../study/studyTable';
import type { StudyUi } from '../study/studyUi';
import type { TabContext, TabView } from './tab';

export function createStudyTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-study');
  const study = (): StudyUi => ctx.ui().study;
  const update = (patch: Partial<StudyUi>): void => ctx.update({ study: { ...study(), ...patch } });
  const sectionCtx: StudySectionContext = { theme: ctx.theme, save: ctx.save, update, post: ctx.post };
  const none = [{ value: '', label: '-' }];
  const pickStudy = select('Study', none, '', (v) => update({ file: v }), 'study-file');
  const pickMetrics = select(
    'Columns',
    [
      { value: 'test', label: 'test metrics' },
      { value: 'all', label: 'every final metric' },
    ],
    study().metrics,
    (v) => update({ metrics: v }),
    'study-metrics',
  );
  const showCi = checkbox('95 % CI in cells', study().showCi, (v) => update({ showCi: v }), 'study-ci');
  const groupBy = el('fieldset', 'group-by');
  const bar = el('div', 'toolbar');
  bar.append(pickStudy.element, pickMetrics.element, showCi, groupBy);
  const status = el('p', 'study-status');
  status.setAttribute('role', 'status');
  const groups = section('study-groups', 'Groups');
  const tableBox = el('div', 'table-scroll');
  groups.element.append(tableBox);
  const plot = new KeyPlotPanel(sectionCtx);
  const compare = new ComparePanel(sectionCtx);
  const body = el('div', 'study-body');
  body.append(groups.element, plot.element, compare.element);
  root.append(bar, status, body);

  let requested = '';
  let shownKey: unknown[] = [];
  let groupKeys = '';
  let view: StudyView | undefined;
  let file: string | undefined;

  studyProbe.read = () => ({
    ...(file !== undefined ? { file } : {}),
    metrics: view?.metrics ?? [],
    groupBy: view?.groupBy ?? [],
    rows: [...(tableBox.querySelectorAll('tbody tr') ?? [])].flatMap(
      (tr) => view?.summaries.find((s) => s.id === (tr as HTMLElement).dataset.group) ?? [],
    ),
    ...(plot.shown ? { plot: plot.shown } : {}),
    bars: plot.chart.painted,
    ...(compare.shown.comparison ? { comparison: compare.shown.comparison } : {}),
    ...(compare.shown.delong ? { delong: compare.shown.delong } : {}),
    differences: compare.chart.painted,
  });

  /** Asks the host for the study's runs when the study or its runs' statuses changed since the last request. */
  const request = (data: DashboardData, target: string): void => {
    const statuses = data.allRuns
      .filter((r) => r.study?.file === target)
      .map((r) => `${r.runId}:${r.status}`);
    const key = JSON.stringify([target, statuses]);
    if (key === requested) return;
    requested = key;
    ctx.post({ type: 'requestStudy', file: target });
  };

  const renderGroupBy = (keys: readonly string[], chosen: readonly string[]): void => {
    const key = JSON.stringify([keys, chosen]);
    if (key === groupKeys) return;
    groupKeys = key;
    const legend = el('legend', 'control-label', 'Group by');
    groupBy.replaceChildren(
      legend,
      ...keys.map((k, i) =>
        checkbox(
          k,
          chosen.includes(k),
          (on) => update({ groupBy: keys.filter((x) => (x === k ? on : chosen.includes(x))) }),
          `study-group-by-${i}`,
        ),
      ),
    );
  };

  return {
    root,
    render(data) {
      const ui = study();
      const choices = studyChoices(data.allRuns);
      file = chooseStudy(
        ui.file,
        choices,
        selectedRuns(data).map((r) => r.info),
      );
      pickStudy.setOptions(
        choices.map((c) => ({ value: c.file, label: `${c.label}: ${c.finished} of ${c.runs} finished` })),
        file ?? '',
      );
      if (file === undefined) {
        status.textContent =
          'No study yet: train an experiment with repeats, folds, variants or a sweep (the "Run study" code lens).';
        body.hidden = true;
        return;
      }
      request(data, file);
      const current = data.study?.file === file ? data.study : undefined;
      if (!current) {
        status.textContent = 'Reading the study…';
        body.hidden = true;
        return;
      }
      const key = [current, JSON.stringify(ui), data.predictions, ctx.theme];
      if (key.every((v, i) => v === shownKey[i])) return;
      shownKey = key;
      view = studyView(current, ui);
      const others = Object.entries(current.unfinished).map(([s, n]) => `${n} ${s}`);
      const choice = choices.find((c) => c.file === file);
      status.textContent =
        `${current.runs.length} finished runs of ${choice?.label ?? file}` +
        (others.length > 0 ? ` (${others.join(', ')})` : '') +
        (current.replaced > 0 ? `; ${current.replaced} older runs with the same coordinates left out` : '');
      body.hidden = current.runs.length === 0;
      renderGroupBy(view.keys, view.groupBy);
      const focused = document.activeElement?.id ?? '';
      tableBox.replaceChildren(
        studyTable(view, ui, choice?.label ?? 'Study', {
          onSort: (k) =>
            update(
              ui.sortKey === k
                ? { sortDescending: !ui.sortDescending }
                : { sortKey: k, sortDescending: false },
            ),
        }),
      );
      if (focused.startsWith('study-sort-')) document.getElementById(focused)?.focus();
      plot.render(view.runs, ui);
      compare.render(view, ui, data);
    },
    destroy() {
      plot.destroy();
      compare.destroy();
      delete studyProbe.read;
      root.remove();
    },
  };
}
