/**
 * The Study tab's table: one row per group, one column per metric, each cell "mean ± std" with n (and the 95 %
 * interval under it when asked; always in the cell's tooltip with min and max). A native table with row and column
 * headers, so a screen reader reads "group, metric: value"; the column headers are sort buttons (aria-sort).
 */
import { formatCount, formatInterval, formatStat } from '../../../src/core/study/format';
import type { GroupSummary } from '../../../src/core/study/group';
import { el } from '../controls';
import { sortSummaries, type StudyView } from './studyModel';
import type { StudyUi } from './studyUi';

export interface TableOptions {
  /** Clicked sort header: the column's key ('group', 'runs' or a metric). */
  onSort: (key: string) => void;
}

/** The text of one cell, as `snn-lab study` prints the same summary. */
export function cellText(
  summary: GroupSummary['metrics'][string] | undefined,
  runs: number,
): { value: string; n: string; interval: string } {
  if (!summary) return { value: '-', n: '0', interval: '-' };
  return {
    value: summary.n === 0 ? '-' : `${formatStat(summary.mean)} ± ${formatStat(summary.std)}`,
    n: formatCount(summary, runs),
    interval: formatInterval(summary),
  };
}

function sortHeader(label: string, key: string, ui: StudyUi, o: TableOptions): HTMLTableCellElement {
  const th = el('th');
  th.scope = 'col';
  const on = ui.sortKey === key;
  th.setAttribute('aria-sort', on ? (ui.sortDescending ? 'descending' : 'ascending') : 'none');
  const button = el('button', 'sort', label);
  button.type = 'button';
  button.id = `study-sort-${key}`;
  button.title = `Sort by ${label}`;
  button.append(el('span', 'sort-mark', on ? (ui.sortDescending ? ' ▼' : ' ▲') : ''));
  button.addEventListener('click', () => o.onSort(key));
  th.append(button);
  return th;
}

/** Builds the table of `view` sorted as `ui` says. */
export function studyTable(view: StudyView, ui: StudyUi, title: string, o: TableOptions): HTMLTableElement {
  const table = el('table', 'study-table');
  table.id = 'study-table';
  const caption = el(
    'caption',
    '',
    `${title}: mean ± sample std over each group's runs (n finite values); 95 % Student-t interval ${ui.showCi ? 'below' : 'in the tooltip'}`,
  );
  const head = el('tr');
  head.append(sortHeader('Group', 'group', ui, o), sortHeader('Runs', 'runs', ui, o));
  for (const metric of view.metrics) head.append(sortHeader(metric, metric, ui, o));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const g of sortSummaries(view.summaries, view.groupBy, ui.sortKey, ui.sortDescending)) {
    const row = el('tr');
    row.dataset.group = g.id;
    const name = el('th', 'group', g.label);
    name.scope = 'row';
    row.append(name, el('td', 'num', String(g.runs)));
    for (const metric of view.metrics) {
      const s = g.metrics[metric];
      const text = cellText(s, g.runs);
      const td = el('td', 'num');
      td.dataset.metric = metric;
      td.append(el('span', 'value', text.value), el('span', 'n', ` n = ${text.n}`));
      if (ui.showCi) td.append(el('span', 'ci', text.interval));
      if (s && s.n > 0) {
        td.title = `${metric} of ${g.label}\n95 % CI ${text.interval}\nmin ${formatStat(s.min)}, max ${formatStat(s.max)}\nn = ${text.n}`;
      }
      row.append(td);
    }
    tbody.append(row);
  }
  table.append(caption, thead, tbody);
  return table;
}
