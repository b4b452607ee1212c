/**
 * Sidebar entry: one row per run (status, backend, progress, key metric, loss sparkline), a checkbox to pick runs
 * to compare, and buttons that post actions (open dashboard, stop, export); the host runs the commands.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { RunId } from '../../src/protocol/ids';
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import type { SidebarRun, WebviewToHost } from '../../src/protocol/webview';
import type { SidebarData } from '../shared/store';
import { initialSidebar, reduceSidebar } from '../shared/store';
import { onThemeChange, readTheme } from '../shared/theme';
import { createTransport } from '../shared/transport';
import { drawSparkline } from './sparkline';

const transport = createTransport();
const post = (m: WebviewToHost): void => transport.post(m);
let data: SidebarData = initialSidebar;
let theme = readTheme();
const saved = transport.getState() as { picked?: unknown } | undefined;
const picked = new Set<RunId>(
  Array.isArray(saved?.picked) ? (saved.picked.filter((x) => typeof x === 'string') as RunId[]) : [],
);

const app = document.getElementById('app') ?? document.body;
const toolbar = document.createElement('div');
toolbar.className = 'sidebar-toolbar';
const compare = document.createElement('vscode-button');
compare.id = 'open-compare';
compare.textContent = 'Open dashboard';
compare.title = 'Open the dashboard for the checked runs (or the latest runs when none is checked)';
compare.addEventListener('click', () =>
  post({
    type: 'openDashboard',
    runIds: [...picked].filter((id) => data.runs.some((r) => r.info.runId === id)),
  }),
);
toolbar.append(compare);
const list = document.createElement('ul');
list.className = 'run-list';
list.setAttribute('aria-label', 'Runs');
const empty = document.createElement('p');
empty.className = 'empty';
empty.textContent = 'No runs yet. Open an experiment file (*.snn.yaml) and use its "Run" code lens.';
app.append(toolbar, list, empty);

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(3);

function small(label: string, onClick: () => void, title: string): HTMLElement {
  const b = document.createElement('vscode-button');
  b.secondary = true;
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

function row(run: SidebarRun): HTMLLIElement {
  const { info } = run;
  const li = document.createElement('li');
  li.className = `run status-${info.status}`;
  li.dataset.runId = info.runId;
  const top = document.createElement('div');
  top.className = 'run-top';
  const box = document.createElement('vscode-checkbox');
  box.checked = picked.has(info.runId);
  box.label = info.name;
  box.title = `Compare ${info.name}`;
  box.addEventListener('change', () => {
    if (box.checked) picked.add(info.runId);
    else picked.delete(info.runId);
    transport.setState({ picked: [...picked] });
  });
  const badge = document.createElement('vscode-badge');
  badge.textContent = info.status;
  top.append(box, badge);
  const meta = document.createElement('div');
  meta.className = 'run-meta';
  // Progress only while running (0-based step; the last progress report may equal totalSteps).
  const progress =
    info.status === 'running' && info.totalSteps && info.step !== undefined
      ? ` · ${Math.min(100, Math.round((100 * info.step) / info.totalSteps))}%`
      : '';
  const key = run.keyMetric ? ` · ${run.keyMetric.name} ${fmt(run.keyMetric.value)}` : '';
  meta.textContent = `${info.backend ?? info.mode}${progress}${key}`;
  const canvas = document.createElement('canvas');
  canvas.className = 'spark';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `training loss of ${info.name}`);
  const actions = document.createElement('div');
  actions.className = 'run-actions';
  actions.append(
    small(
      'Dashboard',
      () => post({ type: 'openDashboard', runIds: [info.runId] }),
      `Open the dashboard for ${info.name}`,
    ),
  );
  if (info.status === 'running' || info.status === 'queued') {
    actions.append(small('Stop', () => post({ type: 'stopRun', runId: info.runId }), `Stop ${info.name}`));
  }
  actions.append(
    small('Export', () => post({ type: 'exportRun', runId: info.runId }), `Export ${info.name}`),
  );
  li.append(top, meta, canvas, actions);
  requestAnimationFrame(() => drawSparkline(canvas, run.spark, theme));
  return li;
}

function render(): void {
  empty.hidden = data.runs.length > 0;
  list.replaceChildren(...[...data.runs].reverse().map(row));
}

transport.onMessage((m) => {
  data = reduceSidebar(data, m);
  render();
});
onThemeChange((next) => {
  theme = next;
  render();
});
post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'sidebar' });
