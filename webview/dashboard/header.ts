/**
 * The dashboard's run header: which runs are compared (a picker of every known run, grouped by experiment, with a
 * filter), and a compact table of the compared runs, sortable by any column (one column per final metric),
 * collapsible, with Stop/Export actions; when a run from another source is compared, a backend column (framework,
 * versions, device) and one line per pitfall found in its model. Rows are rebuilt only when what they show changes;
 * live text (duration, progress) is updated in place, for the runs whose info changed (every row's once a second). Hidden on the Theory explorer tab (main.ts).
 */
import { experimentOf, labelsByExperiment } from '../../src/core/runNames';
import type { RunId } from '../../src/protocol/ids';
import type { RunInfo, WebviewToHost } from '../../src/protocol/webview';
import type { DashboardData } from '../shared/store';
import { selectedRuns } from '../shared/store';
import type { Theme } from '../shared/theme';
import { checkbox, el } from './controls';
import type { RunStyles } from './runStyles';
import { backendText, durationMs, formatDuration } from './selectors';
import type { UiState } from './uiState';

export interface HeaderOptions {
  post: (m: WebviewToHost) => void;
  theme: () => Theme;
  styles: () => RunStyles;
  ui: () => UiState;
  update: (patch: Partial<UiState>) => void;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4);

/** Final metrics of a run (test metrics prefixed test_). */
export function finalMetrics(info: RunInfo): Record<string, number> {
  const test = Object.entries(info.summary?.test ?? {}).map(([k, v]) => [
    k.startsWith('test_') ? k : `test_${k}`,
    v,
  ]);
  return { ...(info.summary?.final ?? {}), ...Object.fromEntries(test) };
}

/** Steps done of the total: `step` is the 0-based last step reported, so one more (the Runs tree counts the same). */
const setText = (cell: HTMLElement, text: string): void => {
  if (cell.textContent !== text) cell.textContent = text;
};

function progress(info: RunInfo): string {
  if (info.step === undefined) return '—';
  return `${info.step + 1}${info.totalSteps ? ` / ${info.totalSteps}` : ''} steps`;
}

/** Sort value of a column for a run (numbers sort numerically; missing last). */
function sortValue(info: RunInfo, key: string, label: string): number | string {
  if (key === 'run') return label;
  if (key === 'status') return info.status;
  if (key === 'backend') return backendText(info);
  if (key === 'duration') return durationMs(info) ?? Infinity;
  if (key === 'step') return info.step ?? Infinity;
  const v = finalMetrics(info)[key];
  return v !== undefined && Number.isFinite(v) ? v : Infinity;
}

/** The backend cell; for runs from other sources every version is in the tooltip. */
function backendCell(info: RunInfo): HTMLElement {
  const cell = el('td', 'backend', backendText(info));
  if (info.source) {
    cell.title = Object.entries(info.source.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join('\n');
  }
  return cell;
}

/**
 * A native button styled as VS Code's secondary button: a table of 100 compared runs holds 100-200 of them, and a
 * web component each (shadow root, styles, its own render) was a large part of the dashboard's first render.
 */
function rowButton(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'row-button', label);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

/** Rows of the run table built with the first render; the rest follow in slices of at most SLICE_MS. */
const FIRST_ROWS = 24;
const SLICE_MS = 8;
/** Every row's live text (a running run's duration) is refreshed at most this often; a changed run's at once. */
const TICK_MS = 1000;

/**
 * What a run's row is built from, by info object (the reducer makes a new info only for runs whose info changed: a
 * push of 4 of 100 runs looks at 4). The final metrics' names are part of the table's columns.
 */
interface RowFacts {
  key: string;
  metrics: string[];
}
const facts = new WeakMap<RunInfo, RowFacts>();
function rowFacts(info: RunInfo): RowFacts {
  let f = facts.get(info);
  if (!f) {
    f = {
      key: JSON.stringify([
        info.runId,
        info.status,
        info.backend,
        info.summary !== undefined,
        info.warnings?.length ?? 0,
      ]),
      metrics: Object.keys(finalMetrics(info)),
    };
    facts.set(info, f);
  }
  return f;
}

export function createHeader(parent: HTMLElement, o: HeaderOptions): (data: DashboardData) => void {
  const root = el('div', 'run-header');
  const notice = el('p', 'notice');
  notice.setAttribute('role', 'status');
  const picker = el('details', 'picker');
  const pickerSummary = el('summary', '', 'Runs');
  const pickerFilter = el('input', 'picker-filter');
  pickerFilter.type = 'search';
  pickerFilter.placeholder = 'Filter';
  pickerFilter.setAttribute('aria-label', 'Filter the runs to pick by name');
  const pickerList = el('div', 'picker-list');
  picker.append(pickerSummary, pickerFilter, pickerList);
  const tableBox = el('details', 'runs-box');
  tableBox.open = true;
  const tableSummary = el('summary', '', 'Compared runs');
  const table = el('table', 'runs');
  const warnings = el('ul', 'warnings');
  tableBox.append(tableSummary, table, warnings);
  root.append(picker, tableBox);
  parent.append(notice, root);
  let pickerKey = '';
  let tableKey = '';
  let tableGeneration = 0;
  /** The compared runs' newest infos (rows built in later slices read them). */
  let latest = new Map<RunId, RunInfo>();
  const live = new Map<RunId, (info: RunInfo) => void>();
  /** The infos each row's live text was last written from, and when every row's was (TICK_MS). */
  const shown = new Map<RunId, RunInfo>();
  let tickedAt = -Infinity;
  /** The styles object and the table key made from it: styles change far less often than data. */
  let stylesSeen: RunStyles | undefined;
  let stylesKey = '';

  const filterPicker = (): void => {
    const q = pickerFilter.value.trim().toLowerCase();
    for (const item of pickerList.querySelectorAll<HTMLElement>('[data-name]')) {
      item.hidden = q !== '' && !(item.dataset.name ?? '').toLowerCase().includes(q);
    }
  };
  pickerFilter.addEventListener('input', filterPicker);
  picker.addEventListener('toggle', () => {
    if (picker.open && pickerData) renderPicker(pickerData);
  });

  // The list of every run is built when the picker is opened (and kept current while it is open): with 100 runs
  // its checkboxes were a large part of the dashboard's first render, for a list the user may never open.
  let pickerData: DashboardData | undefined;
  const renderPicker = (data: DashboardData): void => {
    pickerData = data;
    setText(pickerSummary, `Runs (${data.selected.length} of ${data.allRuns.length} compared)`);
    if (!picker.open) return;
    const key = JSON.stringify([data.allRuns.map((r) => [r.runId, r.name, r.status]), data.selected]);
    if (key === pickerKey) return;
    pickerKey = key;
    const labels = labelsByExperiment(data.allRuns);
    const groups = new Map<string, RunInfo[]>();
    for (const r of [...data.allRuns].reverse()) {
      const g = experimentOf(r.name);
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
    const children: HTMLElement[] = [];
    for (const [experiment, runs] of groups) {
      const fieldset = el('fieldset', 'picker-group');
      fieldset.append(el('legend', '', `${experiment} (${runs.length})`));
      for (const r of runs) {
        const box = checkbox(
          `${labels.get(r.runId) ?? r.name} — ${r.status}`,
          data.selected.includes(r.runId),
          (on) => {
            const next: RunId[] = on
              ? [...data.selected, r.runId]
              : data.selected.filter((id) => id !== r.runId);
            o.post({ type: 'selectRuns', runIds: next });
          },
          `pick-${r.runId}`,
        );
        box.title = r.name;
        box.dataset.name = r.name;
        fieldset.append(box);
      }
      children.push(fieldset);
    }
    pickerList.replaceChildren(...children);
    filterPicker();
  };

  return (data) => {
    notice.hidden = !data.notice;
    notice.className = `notice ${data.notice?.level ?? ''}`;
    setText(notice, data.notice?.message ?? '');
    renderPicker(data);
    const runs = selectedRuns(data);
    latest = new Map(runs.map((r) => [r.info.runId, r.info]));
    const styles = o.styles();
    const { sortKey, sortDescending } = o.ui();
    const rows = runs.map((r) => rowFacts(r.info));
    const metrics = [...new Set(rows.flatMap((f) => f.metrics))].sort();
    root.hidden = data.allRuns.length === 0;
    tableBox.hidden = runs.length === 0;
    setText(tableSummary, `Compared runs (${runs.length})`);
    if (styles !== stylesSeen) {
      stylesSeen = styles;
      stylesKey = JSON.stringify(styles.list.map((s) => [s.label, s.color, s.dash]));
    }
    const rowKey = [
      rows.map((f) => f.key).join(),
      JSON.stringify([data.restricted ?? '', sortKey, sortDescending, metrics]),
      stylesKey,
    ].join('\n');
    if (rowKey === tableKey) {
      // Live text (progress, duration): the runs whose info changed, and every row once per TICK_MS (durations).
      const now = performance.now();
      const all = now - tickedAt >= TICK_MS;
      if (all) tickedAt = now;
      for (const run of runs) {
        const info = run.info;
        if (!all && shown.get(info.runId) === info) continue;
        shown.set(info.runId, info);
        live.get(info.runId)?.(info);
      }
      return;
    }
    tableKey = rowKey;
    live.clear();
    shown.clear();
    tickedAt = performance.now();
    // Runs from other sources bring their framework: the backend column appears when one is compared.
    const withBackend = runs.some((r) => r.info.source);
    const columns = ['run', 'status', ...(withBackend ? ['backend'] : []), 'step', ...metrics, 'duration'];
    const label = (info: RunInfo): string => styles.byId.get(info.runId)?.label ?? info.name;
    const sorted = [...runs];
    if (columns.includes(sortKey)) {
      sorted.sort((a, b) => {
        const x = sortValue(a.info, sortKey, label(a.info));
        const y = sortValue(b.info, sortKey, label(b.info));
        const c = x < y ? -1 : x > y ? 1 : 0;
        return sortDescending ? -c : c;
      });
    }
    const head = el('tr');
    const th = (text: string, className = ''): HTMLTableCellElement => {
      const cell = el('th', className);
      cell.scope = 'col';
      cell.append(el('span', className.includes('sr') ? 'sr-only' : '', text));
      return cell;
    };
    head.append(th('colour', 'sr'));
    for (const c of columns) {
      const cell = el('th');
      cell.scope = 'col';
      const active = sortKey === c;
      cell.setAttribute('aria-sort', active ? (sortDescending ? 'descending' : 'ascending') : 'none');
      const sortButton = el('button', 'sort', `${c}${active ? (sortDescending ? ' ▼' : ' ▲') : ''}`);
      sortButton.type = 'button';
      sortButton.title = `Sort by ${c}`;
      sortButton.addEventListener('click', () =>
        o.update({
          sortKey: c,
          sortDescending: active
            ? !sortDescending
            : c !== 'run' && c !== 'status' && !/loss|mse|error/.test(c),
        }),
      );
      cell.append(sortButton);
      head.append(cell);
    }
    head.append(th('actions', 'sr'));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    const buildRow = (info: RunInfo): void => {
      const style = styles.byId.get(info.runId);
      const tr = el('tr');
      tr.dataset.runId = info.runId;
      const swatch = el('span', 'swatch');
      swatch.setAttribute('aria-hidden', 'true');
      swatch.style.backgroundColor = style?.color ?? o.theme().foreground;
      const swatchCell = el('td');
      swatchCell.append(swatch);
      const name = el('th', 'name', label(info));
      name.scope = 'row';
      name.title = info.name;
      const status = el('td', `status status-${info.status}`, info.status);
      if (info.failure) status.title = info.failure.message;
      const values = finalMetrics(info);
      const metricCells = metrics.map((m) => {
        const v = values[m];
        return el('td', 'metric', v !== undefined && Number.isFinite(v) ? fmt(v) : '—');
      });
      const stepCell = el('td', 'metric', progress(info));
      const durationCell = el('td', '', formatDuration(durationMs(info)));
      const actions = el('td', 'actions');
      // No process actions in Restricted Mode: the workspace's files could claim any process (a crafted run).
      if ((info.status === 'running' || info.status === 'queued') && !data.restricted) {
        actions.append(
          rowButton('Stop', `Stop ${info.name}`, () => o.post({ type: 'stopRun', runId: info.runId })),
        );
      }
      actions.append(
        rowButton('Export', `Export ${info.name}`, () => o.post({ type: 'exportRun', runId: info.runId })),
      );
      // Written only when changed: every write is a DOM mutation (100 rows at each push) and a style invalidation.
      live.set(info.runId, (next) => {
        setText(durationCell, formatDuration(durationMs(next)));
        setText(stepCell, progress(next));
      });
      shown.set(info.runId, info);
      const backend = withBackend ? [backendCell(info)] : [];
      tr.append(swatchCell, name, status, ...backend, stepCell, ...metricCells, durationCell, actions);
      tbody.append(tr);
    };
    const generation = ++tableGeneration;
    for (const run of sorted.slice(0, FIRST_ROWS)) buildRow(run.info);
    table.replaceChildren(thead, tbody);
    // The rest of a long table (below the scroll box's first screen) is built after the first paint, in short slices,
    // from the newest info of each run; a newer table stops it.
    const rest = sorted.slice(FIRST_ROWS).map((run) => run.info.runId);
    const slice = (): void => {
      if (generation !== tableGeneration) return;
      const until = performance.now() + SLICE_MS;
      while (rest.length > 0 && performance.now() < until) {
        const id = rest.shift() as RunId;
        const info = latest.get(id);
        if (info) buildRow(info);
      }
      if (rest.length > 0) setTimeout(slice, 0);
    };
    if (rest.length > 0) setTimeout(slice, 0);
    warnings.replaceChildren(
      ...sorted.flatMap((run) =>
        (run.info.warnings ?? []).map((w) =>
          el('li', 'warning', `${label(run.info)}: [${w.code}] ${w.message}`),
        ),
      ),
    );
    warnings.hidden = warnings.childElementCount === 0;
  };
}
