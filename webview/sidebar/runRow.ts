/**
 * One run's row in the sidebar, built once and then updated in place: text, badge and sparkline change where the
 * data changed, the Stop button comes and goes with the status. Never rebuilding a row keeps focus, hover and a
 * pressed button across the ~10 updates a second of a training run (a click on Stop takes on the first press).
 */
import type { RunId } from '../../src/protocol/ids';
import type { SidebarRun, WebviewToHost } from '../../src/protocol/webview';
import type { Theme } from '../shared/theme';
import { runColor } from '../shared/theme';
import { queueSparkline } from './sparkline';

export interface RowContext {
  post: (m: WebviewToHost) => void;
  picked: Set<RunId>;
  savePicked: () => void;
  /** True in Restricted Mode: no process actions (the workspace's files could claim any process). */
  restricted: () => boolean;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(3);

const isActive = (status: string): boolean => status === 'running' || status === 'queued';

/**
 * Native controls styled with the theme's variables (media/sidebar.css), as in the dashboard: the first screen's 12
 * rows of vscode-elements (2-3 buttons, a checkbox and a badge each, every one a custom element with a shadow root and
 * a lit render) were the top of a profile of the sidebar's first paint.
 */
function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button secondary';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/** The one-line description under a run's label: the host's detail (why a run is queued), else backend or mode,
 * progress while running, key metric. */
export function metaText(run: SidebarRun): string {
  if (run.detail) return run.detail;
  const { info } = run;
  const progress =
    info.status === 'running' && info.totalSteps && info.step !== undefined
      ? ` · ${Math.min(100, Math.round((100 * info.step) / info.totalSteps))}%`
      : '';
  const key = run.keyMetric ? ` · ${run.keyMetric.name} ${fmt(run.keyMetric.value)}` : '';
  const mode = info.mode === 'probe' ? 'probe' : (info.backend ?? info.mode);
  return `${mode}${progress}${key}`;
}

export class RunRow {
  readonly element: HTMLLIElement;
  /** The checkbox that picks the run for the dashboard, inside a label that shows the run's short label. */
  private readonly box: HTMLInputElement;
  private readonly pick: HTMLLabelElement;
  private readonly label: HTMLElement;
  private readonly swatch: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly meta: HTMLElement;
  /** The loss sparkline (drawn when in view: sparkline.ts). */
  readonly canvas: HTMLCanvasElement;
  private readonly actions: HTMLElement;
  private readonly stop: HTMLButtonElement;
  private readonly dashboard: HTMLButtonElement;
  private readonly exporter: HTMLButtonElement;
  private sparkKey = '';
  private run: SidebarRun;

  constructor(
    run: SidebarRun,
    private readonly ctx: RowContext,
  ) {
    this.run = run;
    const id = run.info.runId;
    const li = document.createElement('li');
    li.dataset.runId = id;
    const top = document.createElement('div');
    top.className = 'run-top';
    this.swatch = document.createElement('span');
    this.swatch.className = 'swatch';
    this.swatch.setAttribute('aria-hidden', 'true');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = ctx.picked.has(id);
    box.addEventListener('change', () => {
      if (box.checked) ctx.picked.add(id);
      else ctx.picked.delete(id);
      ctx.savePicked();
    });
    this.box = box;
    this.label = document.createElement('span');
    this.label.className = 'run-label';
    this.pick = document.createElement('label');
    this.pick.className = 'checkbox run-pick';
    this.pick.append(box, this.label);
    this.badge = document.createElement('span');
    this.badge.className = 'badge';
    top.append(this.swatch, this.pick, this.badge);
    this.meta = document.createElement('div');
    this.meta.className = 'run-meta';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'spark';
    this.canvas.setAttribute('role', 'img');
    this.actions = document.createElement('div');
    this.actions.className = 'run-actions';
    this.dashboard = button('Dashboard', () => ctx.post({ type: 'openDashboard', runIds: [id] }));
    this.stop = button('Stop', () => ctx.post({ type: 'stopRun', runId: id }));
    this.exporter = button('Export', () => ctx.post({ type: 'exportRun', runId: id }));
    this.actions.append(this.dashboard, this.exporter);
    li.append(top, this.meta, this.canvas, this.actions);
    this.element = li;
  }

  /** Shows `run` under `label` (short, within its experiment); touches only what changed. */
  update(run: SidebarRun, label: string, slot: number, theme: Theme, redraw = false): void {
    this.run = run;
    const { info } = run;
    const li = this.element;
    const set = (el: HTMLElement, text: string): void => {
      if (el.textContent !== text) el.textContent = text;
    };
    const className = `run status-${info.status}`;
    if (li.className !== className) li.className = className;
    if (li.dataset.name !== info.name) li.dataset.name = info.name;
    set(this.label, label);
    const title = `${info.name} (${info.runId}): check to compare`;
    if (this.pick.title !== title) this.pick.title = title;
    const color = runColor(theme, slot);
    if (this.swatch.dataset.color !== `${slot}:${color}`) {
      this.swatch.dataset.color = `${slot}:${color}`;
      this.swatch.dataset.slot = String(slot);
      this.swatch.style.backgroundColor = color;
    }
    set(this.badge, info.status);
    set(this.meta, metaText(run));
    const lossLabel = `training loss of ${label}`;
    if (this.canvas.getAttribute('aria-label') !== lossLabel) {
      this.canvas.setAttribute('aria-label', lossLabel);
    }
    if (this.dashboard.title !== `Open the dashboard for ${info.name}`) {
      this.dashboard.title = `Open the dashboard for ${info.name}`;
      this.stop.title = `Stop ${info.name}`;
      this.exporter.title = `Export ${info.name}`;
    }
    const active = isActive(info.status) && !this.ctx.restricted();
    if (active && !this.stop.isConnected) this.actions.insertBefore(this.stop, this.exporter);
    if (!active && this.stop.isConnected) this.stop.remove();
    const key = `${color}|${run.spark.join(',')}`;
    if (redraw || key !== this.sparkKey) {
      this.sparkKey = key;
      queueSparkline(this.canvas, run.spark, color);
    }
  }
}
