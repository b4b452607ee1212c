/**
 * Dashboard entry: connects the transport, reduces host messages into state, and renders the run header and the
 * visible tab (at most once per animation frame). Exposes window.__snnLab for the browser tests and benchmark.
 */
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import type { DashboardTab, WebviewToHost } from '../../src/protocol/webview';
import { DASHBOARD_TABS } from '../../src/protocol/webview';
import type { DashboardData } from '../shared/store';
import { initialDashboard, reduceDashboard } from '../shared/store';
import { onThemeChange, readTheme } from '../shared/theme';
import { createTransport } from '../shared/transport';
import type { SaveFile } from './charts/card';
import { el } from './controls';
import { createHeader } from './header';
import { installTestHook } from './testHook';
import { createCurvesTab } from './tabs/curvesTab';
import { createDistributionsTab } from './tabs/distributionsTab';
import { createFixedPointTab } from './tabs/fixedPointTab';
import { createLayersTab } from './tabs/layersTab';
import type { TabContext, TabView } from './tabs/tab';
import { createTheoryTab } from './tabs/theoryTab';
import type { UiState } from './uiState';
import { restoreUi } from './uiState';

/** Tab titles: full, and short for sidebar-width panels (CSS shows one of the two). */
const TITLES: Record<DashboardTab, [string, string]> = {
  curves: ['Curves', 'Curves'],
  layers: ['Layers', 'Layers'],
  distributions: ['Distributions', 'Dist.'],
  fixedPoint: ['Fixed point', 'Fixed pt'],
  theory: ['Theory explorer', 'Theory'],
};
const FACTORIES: Record<DashboardTab, (ctx: TabContext) => TabView> = {
  curves: createCurvesTab,
  layers: createLayersTab,
  distributions: createDistributionsTab,
  fixedPoint: createFixedPointTab,
  theory: createTheoryTab,
};

const transport = createTransport();
const post = (m: WebviewToHost): void => transport.post(m);
let data: DashboardData = initialDashboard;
let ui: UiState = restoreUi(transport.getState());
let theme = readTheme();

const app = document.getElementById('app') ?? document.body;
const renderHeader = createHeader(app, post, () => theme);
const tabs = document.createElement('vscode-tabs');
tabs.panel = true;
const panels = new Map<DashboardTab, HTMLElement>();
for (const id of DASHBOARD_TABS) {
  const header = document.createElement('vscode-tab-header');
  header.slot = 'header';
  // vscode-tabs assigns its own element ids; tests and CSS address headers by data-tab.
  header.dataset.tab = id;
  header.title = TITLES[id][0];
  header.append(el('span', 'title-long', TITLES[id][0]), el('span', 'title-short', TITLES[id][1]));
  const panel = document.createElement('vscode-tab-panel');
  panel.dataset.tab = id;
  tabs.append(header, panel);
  panels.set(id, panel);
}
tabs.selectedIndex = DASHBOARD_TABS.indexOf(ui.tab);
app.append(tabs);
const views = new Map<DashboardTab, TabView>();
const save: SaveFile = (format, fileName, payload) =>
  post({ type: 'saveFile', format, fileName, data: payload });

function persist(): void {
  transport.setState({ ...ui, selected: data.selected });
}

function view(tab: DashboardTab): TabView {
  let v = views.get(tab);
  if (!v) {
    const ctx: TabContext = { save, theme, ui: () => ui, update: (patch) => setUi(patch) };
    v = FACTORIES[tab](ctx);
    panels.get(tab)?.append(v.root);
    views.set(tab, v);
  }
  return v;
}

let frame = 0;
const hook = installTestHook({
  data: () => data,
  ui: () => ui,
  settled: () => frame === 0,
  theme: () => theme,
});
function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const started = performance.now();
    renderHeader(data);
    view(ui.tab).render(data);
    hook.rendered(performance.now() - started);
  });
}

function setUi(patch: Partial<UiState>): void {
  ui = { ...ui, ...patch };
  persist();
  schedule();
}

function showTab(tab: DashboardTab): void {
  if (ui.tab === tab) return;
  tabs.selectedIndex = DASHBOARD_TABS.indexOf(tab);
  setUi({ tab });
  post({ type: 'tabChanged', tab });
}

tabs.addEventListener('vsc-tabs-select', (e) => {
  const tab = DASHBOARD_TABS[e.detail.selectedIndex];
  if (tab && tab !== ui.tab) {
    setUi({ tab });
    post({ type: 'tabChanged', tab });
  }
});

let resyncAt = -1;
transport.onMessage((m) => {
  hook.received(m);
  data = reduceDashboard(data, m);
  if (data.needsResync && resyncAt !== data.seq) {
    resyncAt = data.seq;
    post({ type: 'resync', lastSeq: data.seq });
  }
  if (data.requestedTab) {
    const tab = data.requestedTab;
    data = { ...data, requestedTab: undefined };
    showTab(tab);
  }
  if (m.type === 'snapshot') persist();
  schedule();
});

onThemeChange((next) => {
  theme = next;
  for (const v of views.values()) v.destroy();
  views.clear();
  schedule();
});

window.addEventListener('error', (e) =>
  post({ type: 'error', message: `${e.message} at ${e.filename}:${e.lineno}:${e.colno}` }),
);
app.append(el('div', 'sr-only'));
post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'dashboard' });
