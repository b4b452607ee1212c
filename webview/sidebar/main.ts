/**
 * Sidebar entry: runs grouped by experiment, newest first, each row labelled by what sets it apart within its
 * experiment (full name in the tooltip), in its run colour, with a checkbox to pick runs to compare and buttons that
 * post actions (open dashboard, stop, export); the host runs the commands. Rows are updated in place (runRow.ts).
 */
import { experimentOf, labelsByExperiment } from '../../src/core/runNames';
import type { RunId } from '../../src/protocol/ids';
import { PROTOCOL_VERSION } from '../../src/protocol/version';
import type { SidebarRun, WebviewToHost } from '../../src/protocol/webview';
import type { SidebarData } from '../shared/store';
import { initialSidebar, reduceSidebar } from '../shared/store';
import { onThemeChange, readTheme } from '../shared/theme';
import { createTransport } from '../shared/transport';
import { slotsByCreation } from '../shared/palette';
import { NO_RUNS_TEXT } from './emptyState';
import { RunRow } from './runRow';
import { drawQueuedNow } from './sparkline';

const transport = createTransport();
const post = (m: WebviewToHost): void => transport.post(m);
let data: SidebarData = initialSidebar;
let theme = readTheme();
const saved = transport.getState() as { picked?: unknown } | undefined;
const picked = new Set<RunId>(
  Array.isArray(saved?.picked) ? (saved.picked.filter((x) => typeof x === 'string') as RunId[]) : [],
);

const app = document.getElementById('app') ?? document.body;
const main = document.createElement('main');
const heading = document.createElement('h1');
heading.className = 'sr-only';
heading.textContent = 'SNN Lab runs';
const toolbar = document.createElement('div');
toolbar.className = 'sidebar-toolbar';
const compare = document.createElement('button');
compare.type = 'button';
compare.className = 'button';
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
const groupsRoot = document.createElement('div');
groupsRoot.className = 'run-groups';
const empty = document.createElement('p');
empty.className = 'empty';
empty.textContent = `${NO_RUNS_TEXT} with "SNN Lab: New Experiment…".`;
const restricted = document.createElement('p');
restricted.className = 'restricted';
restricted.setAttribute('role', 'note');
restricted.hidden = true;
main.append(heading, restricted, toolbar, groupsRoot, empty);
app.append(main);

interface Group {
  section: HTMLElement;
  title: HTMLElement;
  list: HTMLUListElement;
}
const rows = new Map<RunId, RunRow>();
const groups = new Map<string, Group>();
const ctx = {
  post,
  picked,
  savePicked: () => transport.setState({ picked: [...picked] }),
  restricted: () => data.restricted !== undefined,
};

function group(experiment: string): Group {
  let g = groups.get(experiment);
  if (!g) {
    const section = document.createElement('section');
    section.className = 'run-group';
    const title = document.createElement('h2');
    title.className = 'group-title';
    title.id = `group-${groups.size}`;
    section.setAttribute('aria-labelledby', title.id);
    const list = document.createElement('ul');
    list.className = 'run-list';
    section.append(title, list);
    g = { section, title, list };
    groups.set(experiment, g);
  }
  return g;
}

/** Puts `children` into `parent` in this order, moving only nodes that are out of place (a moved node loses focus). */
function order(parent: HTMLElement, children: readonly HTMLElement[]): void {
  children.forEach((child, i) => {
    if (parent.children[i] !== child) parent.insertBefore(child, parent.children[i] ?? null);
  });
  while (parent.children.length > children.length) parent.lastElementChild?.remove();
}

/** What a render derives from the rows (labels, colour slots, groups newest first), kept while `data` is the same. */
let derived:
  | {
      of: SidebarData;
      labels: Map<string, string>;
      slots: Map<string, number>;
      byGroup: Map<string, SidebarRun[]>;
    }
  | undefined;
function derive(of: SidebarData): NonNullable<typeof derived> {
  if (derived?.of === of) return derived;
  const infos = of.runs.map((r) => r.info);
  const byGroup = new Map<string, SidebarRun[]>();
  // Newest first: the host lists runs oldest first.
  for (const run of [...of.runs].reverse()) {
    const experiment = experimentOf(run.info.name);
    let list = byGroup.get(experiment);
    if (!list) byGroup.set(experiment, (list = []));
    list.push(run);
  }
  // The host labels every row (SidebarRun.label); rows from elsewhere (an older recording) are labelled here.
  const labels = of.runs.every((r) => r.label !== undefined)
    ? new Map(of.runs.map((r) => [r.info.runId as string, r.label as string]))
    : labelsByExperiment(infos);
  derived = { of, labels, slots: slotsByCreation(infos), byGroup };
  return derived;
}

/**
 * Rows built in the first render: more than a tall sidebar shows. The rest are built in slices of ~8 ms between
 * which the page paints and handles input, so 500 runs show their first screen at once instead of after every row.
 */
const FIRST_ROWS = 12;
const SLICE_MS = 8;
let rest: ReturnType<typeof setTimeout> | undefined;
let restFrame: number | undefined;

function cancelRest(): void {
  if (rest !== undefined) clearTimeout(rest);
  if (restFrame !== undefined) cancelAnimationFrame(restFrame);
  rest = restFrame = undefined;
}

/**
 * Builds the rows left out in a later slice; after a full render, only once the frame showing it is painted (slices
 * queued before it would delay it), or after 100 ms in a hidden view, which paints no frames.
 */
function scheduleRest(afterPaint: boolean): void {
  cancelRest();
  const next = (): void => {
    cancelRest();
    render(false, false);
  };
  if (!afterPaint) {
    rest = setTimeout(next, 0);
    return;
  }
  rest = setTimeout(next, 100);
  restFrame = requestAnimationFrame(() => {
    restFrame = undefined;
    if (rest !== undefined) clearTimeout(rest);
    rest = setTimeout(next, 0);
  });
}

function render(redraw = false, first = true): void {
  const started = performance.now();
  let built = 0;
  let unbuilt = false;
  const fresh: HTMLCanvasElement[] = [];
  restricted.hidden = !data.restricted;
  if (restricted.textContent !== (data.restricted ?? '')) restricted.textContent = data.restricted ?? '';
  empty.hidden = data.runs.length > 0;
  const { labels, slots, byGroup } = derive(data);
  if (first) {
    const live = new Set(data.runs.map((r) => r.info.runId));
    for (const [id, row] of rows) {
      if (!live.has(id)) {
        row.element.remove();
        rows.delete(id);
      }
    }
  }
  const sections: HTMLElement[] = [];
  for (const [experiment, runs] of byGroup) {
    const g = group(experiment);
    const text = `${experiment} (${runs.length} run${runs.length === 1 ? '' : 's'})`;
    if (g.title.textContent !== text) g.title.textContent = text;
    const items = runs.flatMap((run) => {
      let row = rows.get(run.info.runId);
      // A later slice only adds rows: the ones built are current.
      if (row && !first) return [row.element];
      if (!row) {
        const budget = first ? built < FIRST_ROWS : built < 4 || performance.now() - started < SLICE_MS;
        if (!budget) {
          unbuilt = true;
          return [];
        }
        row = new RunRow(run, ctx);
        rows.set(run.info.runId, row);
        built++;
        if (first) fresh.push(row.canvas);
      }
      row.update(
        run,
        labels.get(run.info.runId) ?? run.info.name,
        slots.get(run.info.runId) ?? 0,
        theme,
        redraw,
      );
      return row.element;
    });
    order(g.list, items);
    sections.push(g.section);
  }
  for (const experiment of groups.keys()) {
    if (!byGroup.has(experiment)) groups.delete(experiment);
  }
  order(groupsRoot, sections);
  // The first screen's sparklines are drawn now (one layout), so its first frame shows them; later rows' when in view.
  if (fresh.length > 0) drawQueuedNow(fresh);
  if (unbuilt) scheduleRest(first);
  else cancelRest();
}

transport.onMessage((m) => {
  data = reduceSidebar(data, m);
  render();
});
onThemeChange((next) => {
  theme = next;
  render(true);
});
post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'sidebar' });

/**
 * While the host reads the runs for the first snapshot, one hidden row's elements are rendered once, so the
 * first screen does not pay for each element class's first use (its styles and template).
 */
function warmUp(): void {
  if (rows.size > 0) return;
  const warm = new RunRow(
    {
      info: {
        runId: 'warm-up' as RunId,
        name: 'warm-up',
        mode: 'train',
        status: 'running',
        createdAt: '',
        layers: [],
      },
      spark: [],
    },
    { ...ctx, post: () => undefined, savePicked: () => undefined },
  );
  warm.element.hidden = true;
  warm.element.setAttribute('aria-hidden', 'true');
  main.append(warm.element);
  setTimeout(() => warm.element.remove(), 0);
}
setTimeout(warmUp, 0);
