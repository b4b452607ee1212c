/**
 * The dashboard's run header: which runs are compared (a checkbox per known run), and for the compared ones
 * status, backend, duration, final metrics, Stop/Export actions and the config keys in which they differ.
 */
import type { RunId } from '../../src/protocol/ids';
import type { RunInfo, WebviewToHost } from '../../src/protocol/webview';
import type { DashboardData } from '../shared/store';
import { selectedRuns } from '../shared/store';
import type { Theme } from '../shared/theme';
import { runColor } from '../shared/theme';
import { button, checkbox, el } from './controls';
import { configDiff, durationMs, formatDuration, runLabel } from './selectors';

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toPrecision(4);

function metricsText(info: RunInfo): string {
  const final = { ...(info.summary?.final ?? {}), ...prefixed(info.summary?.test ?? {}) };
  const entries = Object.entries(final).filter(([, v]) => Number.isFinite(v));
  if (entries.length === 0) {
    return info.step !== undefined
      ? `step ${info.step}${info.totalSteps ? ` / ${info.totalSteps}` : ''}`
      : '—';
  }
  return entries.map(([k, v]) => `${k} ${fmt(v)}`).join(' · ');
}

function prefixed(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k.startsWith('test_') ? k : `test_${k}`, v]));
}

export function createHeader(
  parent: HTMLElement,
  post: (m: WebviewToHost) => void,
  theme: () => Theme,
): (data: DashboardData) => void {
  const root = el('header', 'run-header');
  const picker = el('details', 'picker');
  const pickerSummary = el('summary', '', 'Runs');
  const pickerList = el('div', 'picker-list');
  picker.append(pickerSummary, pickerList);
  const table = el('table', 'runs');
  const diff = el('details', 'diff');
  const diffSummary = el('summary', '', 'Config differences');
  const diffTable = el('table', 'diff-table');
  diff.append(diffSummary, diffTable);
  const notice = el('p', 'notice');
  notice.setAttribute('role', 'status');
  root.append(notice, picker, table, diff);
  parent.append(root);
  let pickerKey = '';
  let tableKey = '';
  const live: ((info: RunInfo) => void)[] = [];

  return (data) => {
    notice.hidden = !data.notice;
    notice.className = `notice ${data.notice?.level ?? ''}`;
    notice.textContent = data.notice?.message ?? '';
    const key = JSON.stringify([data.allRuns.map((r) => [r.runId, r.status]), data.selected]);
    if (key !== pickerKey) {
      pickerKey = key;
      pickerSummary.textContent = `Runs (${data.selected.length} of ${data.allRuns.length} compared)`;
      pickerList.replaceChildren(
        ...data.allRuns.map((r) =>
          checkbox(
            `${r.name} — ${r.status}`,
            data.selected.includes(r.runId),
            (on) => {
              const next: RunId[] = on
                ? [...data.selected, r.runId]
                : data.selected.filter((id) => id !== r.runId);
              post({ type: 'selectRuns', runIds: next });
            },
            `pick-${r.runId}`,
          ),
        ),
      );
    }
    const runs = selectedRuns(data);
    // Rows (with their buttons) are rebuilt only when what they show changes; live text is updated in place.
    const rowKey = JSON.stringify(
      runs.map((r) => [r.info.runId, r.info.status, r.info.backend, r.info.summary !== undefined]),
    );
    if (rowKey === tableKey) {
      runs.forEach((run, i) => live[i]?.(run.info));
      return;
    }
    tableKey = rowKey;
    live.length = 0;
    const head = el('tr');
    for (const h of ['', 'run', 'status', 'backend', 'duration', 'final metrics', '']) {
      head.append(el('th', '', h));
    }
    table.replaceChildren(
      head,
      ...runs.map((run, i) => {
        const info = run.info;
        const tr = el('tr');
        const swatch = el('span', 'swatch');
        swatch.dataset.color = String(i);
        swatch.style.backgroundColor = runColor(theme(), i);
        const actions = el('td', 'actions');
        if (info.status === 'running' || info.status === 'queued') {
          actions.append(
            button('Stop', () => post({ type: 'stopRun', runId: info.runId }), true, `Stop ${info.name}`),
          );
        }
        actions.append(
          button('Export', () => post({ type: 'exportRun', runId: info.runId }), true, `Export ${info.name}`),
        );
        const name = el('td', 'name', runLabel(info));
        name.title = info.name;
        const status = el('td', `status status-${info.status}`, info.status);
        if (info.failure) status.title = info.failure.message;
        const swatchCell = el('td');
        swatchCell.append(swatch);
        const durationCell = el('td', '', formatDuration(durationMs(info)));
        const metricsCell = el('td', 'metrics', metricsText(info));
        live.push((next) => {
          durationCell.textContent = formatDuration(durationMs(next));
          metricsCell.textContent = metricsText(next);
        });
        tr.append(
          swatchCell,
          name,
          status,
          el('td', '', info.backend ?? '—'),
          durationCell,
          metricsCell,
          actions,
        );
        return tr;
      }),
    );
    const rows = configDiff(runs.map((r) => r.info));
    diff.hidden = runs.length < 2;
    diffSummary.textContent = `Config differences (${rows.length})`;
    const dh = el('tr');
    dh.append(el('th', '', 'key'), ...runs.map((r) => el('th', '', runLabel(r.info))));
    diffTable.replaceChildren(
      dh,
      ...rows.map((row) => {
        const tr = el('tr');
        tr.append(el('td', 'key', row.key), ...row.values.map((v) => el('td', '', v)));
        return tr;
      }),
    );
  };
}
