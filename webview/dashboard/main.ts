/**
 * Dashboard entry: connects the transport, reduces host messages into state, and renders the run header, the run
 * legend and the visible tab (at most once per animation frame). Page structure: a banner (level-one heading, run
 * picker and table) and a main landmark (legend, tabs). Exposes window.__snnLab for the browser tests and benchmark.
 */
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import type { DashboardTab, HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import type { DashboardData } from '../shared/store';
import { initialDashboard, reduceDashboard, selectedRuns } from '../shared/store';
import { slotsByCreation } from '../shared/palette';
import { onThemeChange, readTheme } from '../shared/theme';
import { createTransport, embeddedFirst } from '../shared/transport';
import type { SaveFile } from './charts/card';
import { el } from './controls';
import { createHeader } from './header';
import { createLegend } from './legend';
import { runFocus } from './runFocus';
import type { RunStyles } from './runStyles';
import { runStyles } from './runStyles';
import { createTabList } from './tabList';
import { installTestHook } from './testHook';
import { createCurvesTab } from './tabs/curvesTab';
import { createDistributionsTab } from './tabs/distributionsTab';
import { createFixedPointTab } from './tabs/fixedPointTab';
import { createLayersTab } from './tabs/layersTab';
import { createStudyTab } from './tabs/studyTab';
import type { TabContext, TabView } from './tabs/tab';
import { createTheoryTab } from './tabs/theoryTab';
import type { UiState } from './uiState';
import { restoreUi } from './uiState';
import { warmUpSoon } from './warmUp';

const FACTORIES: Record<DashboardTab, (ctx: TabContext) => TabView> = {
  curves: createCurvesTab,
  layers: createLayersTab,
  distributions: createDistributionsTab,
  fixedPoint: createFixedPointTab,
  study: createStudyTab,
  theory: createTheoryTab,
};

const transport = createTransport();
const post = (m: WebviewToHost): void => transport.post(m);
let data: DashboardData = initialDashboard;
let ui: UiState = restoreUi(transport.getState());
let theme = readTheme();
let styles: RunStyles = runStyles([], theme, ui);
let stylesKey = '';
/** Snapshots received from the host. */
let snapshots = 0;
/** The key of the first snapshot a script beside the bundle carried, once drawn (a re-created document skips it). */
let firstKey = (transport.getState() as { firstKey?: unknown } | undefined)?.firstKey;

const app = document.getElementById('app') ?? document.body;
const banner = el('header', 'page-header');
const heading = el('h1', 'sr-only', 'SNN Lab dashboard');
banner.append(heading);
const main = el('main', 'page-main');
app.append(banner, main);
const renderHeader = createHeader(banner, {
  post,
  theme: () => theme,
  styles: () => styles,
  ui: () => ui,
  update: (patch) => setUi(patch),
});
// Hidden/isolated runs and the legend filter come back after a reload; visibility changes are saved with the state.
runFocus.restore({ hidden: ui.hiddenRuns, isolated: ui.isolatedRun, filter: ui.legendFilter });
runFocus.onChange((change) => {
  if (change !== 'visibility') return;
  const { hidden, isolated } = runFocus.state;
  setUi({ hiddenRuns: hidden, isolatedRun: isolated });
});
const legend = createLegend((patch) => setUi(patch), ui.legendFilter);
const tabList = createTabList(ui.tab, (tab) => {
  if (tab === ui.tab) return;
  setUi({ tab });
  post({ type: 'tabChanged', tab });
});
main.append(legend.element, tabList.list, ...tabList.panels.values());
const views = new Map<DashboardTab, TabView>();
const save: SaveFile = (format, fileName, payload) =>
  post({ type: 'saveFile', format, fileName, data: payload });

function persist(): void {
  transport.setState({ ...ui, selected: data.selected, firstKey });
}

function view(tab: DashboardTab): TabView {
  let v = views.get(tab);
  if (!v) {
    const ctx: TabContext = {
      save,
      theme,
      ui: () => ui,
      update: (patch) => setUi(patch),
      styles: () => styles,
      post,
      redraw: () => schedule(),
    };
    v = FACTORIES[tab](ctx);
    tabList.panels.get(tab)?.append(v.root);
    views.set(tab, v);
  }
  return v;
}

/** Recomputes run styles when the compared runs, their colours or the grouping choice changed. */
function refreshStyles(): void {
  const infos = selectedRuns(data).map((r) => r.info);
  const key = JSON.stringify([
    infos.map((i) => [i.runId, i.name, i.color, i.config !== undefined]),
    data.allRuns.length,
    ui.colorBy,
    ui.styleBy,
    theme.kind,
  ]);
  if (key === stylesKey) return;
  stylesKey = key;
  styles = runStyles(infos, theme, ui, slotsByCreation(data.allRuns));
  // Before the host's first snapshot nothing is compared yet: keep the restored hidden/isolated runs until then.
  if (snapshots > 0) runFocus.retain(new Set(infos.map((i) => i.runId)));
  legend.render(styles, infos);
}

let frame = 0;
const hook = installTestHook({
  data: () => data,
  ui: () => ui,
  settled: () => frame === 0 && !views.get(ui.tab)?.pending?.(),
  theme: () => theme,
  styles: () => styles,
});
function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const started = performance.now();
    refreshStyles();
    const theory = ui.tab === 'theory';
    // The run table and legend belong to the run views; the theory explorer shows no runs.
    banner.classList.toggle('theory', theory);
    // The Study tab draws groups of a study, not the compared runs: their legend does not apply there.
    legend.element.hidden = theory || ui.tab === 'study' || styles.list.length === 0;
    renderHeader(data);
    view(ui.tab).render(data);
    hook.rendered(performance.now() - started);
    // A task posted from a frame callback runs after that frame's paint.
    const whole = !views.get(ui.tab)?.pending?.();
    if (readyWhenDrawn && whole) setTimeout(sayReady, 0);
    if (drawnDue !== undefined && whole) {
      const seq = drawnDue;
      drawnDue = undefined;
      setTimeout(() => post({ type: 'drawn', seq }), 0);
    }
  });
}

function setUi(patch: Partial<UiState>): void {
  ui = { ...ui, ...patch };
  persist();
  schedule();
}

function showTab(tab: DashboardTab): void {
  if (ui.tab === tab) return;
  tabList.show(tab);
  setUi({ tab });
  post({ type: 'tabChanged', tab });
}

/**
 * The seq of a snapshot received and not yet drawn whole and painted: then `drawn` tells the host, which reads the
 * statistics that snapshot left for later only now (their read would take the CPU from this first paint).
 */
let drawnDue: number | undefined;
/** `ready` waits for the embedded snapshot to be drawn (see below). */
let readyWhenDrawn = false;
let saidReady = false;
function sayReady(): void {
  readyWhenDrawn = false;
  if (saidReady) return;
  saidReady = true;
  const shown = firstSeq === undefined ? {} : { shown: firstSeq };
  post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'dashboard', ...shown });
}
/** The seq of the snapshot drawn from the script beside the bundle (a reopened dashboard). */
let firstSeq: number | undefined;

let resyncAt = -1;
function receive(m: HostToWebview): void {
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
  if (m.type === 'snapshot') {
    snapshots++;
    persist();
    // A hidden page paints no frame: it lets the host go on at once.
    if (document.visibilityState === 'hidden') post({ type: 'drawn', seq: m.seq });
    else drawnDue = m.seq;
  }
  schedule();
}
transport.onMessage(receive);

onThemeChange((next) => {
  theme = next;
  for (const v of views.values()) v.destroy();
  views.clear();
  stylesKey = '';
  schedule();
});

// Hiding, isolating or filtering runs changes what some tabs lay out (Distributions' small multiples).
runFocus.onChange((change) => {
  if (change === 'visibility') schedule();
});

window.addEventListener('error', (e) =>
  post({ type: 'error', message: `${e.message} at ${e.filename}:${e.lineno}:${e.colno}` }),
);
// A reopened dashboard's first snapshot came in a script beside the bundle: drawn at the next frame, without waiting.
const first = embeddedFirst(firstKey);
if (first) {
  firstKey = first.key;
  receive(first.message);
  if (first.message.type === 'snapshot') {
    firstSeq = first.message.seq;
    hook.fromHtml(firstSeq);
  }
}
// The benchmark reads when the page was booted by the page clock (bench/dashboard.bench.ts).
performance.mark('snn-lab-ready');
if (first) {
  // What follows the embedded snapshot (the statistics: ~13 MB for 100 runs) is sent when the page says `ready`:
  // only once the snapshot is drawn whole and painted (cards below the first screen follow the first paint), so its
  // delivery holds back none of it. A hidden page paints no frame: it says `ready` at once (and any page in 5 s).
  readyWhenDrawn = true;
  if (document.visibilityState === 'hidden') sayReady();
  else setTimeout(sayReady, 5000);
} else {
  sayReady();
  // Work the first render needs, done while the page waits for the snapshot (an embedded one is drawn at once).
  warmUpSoon(() => theme);
}
