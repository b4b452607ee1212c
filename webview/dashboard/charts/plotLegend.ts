/**
 * A plot card's own legend, for the series that are not runs (reference lines such as N(0, 1), fixed points): a row
 * of toggle buttons above the canvas (keyboard-reachable, aria-pressed = shown), a click hiding or showing every
 * line of that label; and the same entries drawn as swatch + text above the plot of a PNG export.
 */
import type { PlotSpec } from '../../shared/plot/spec';
import type { Theme } from '../../shared/theme';
import { tickFont, tickFontSize } from './plotFrame';

export interface LegendEntry {
  label: string;
  color: string;
}

/** The legend's entries: one per label of the lines that are not quiet, not noLegend and not a run's. */
export function legendEntries(spec: PlotSpec): LegendEntry[] {
  if (!spec.legend) return [];
  const seen = new Map<string, string>();
  for (const l of spec.lines) {
    if (!l.quiet && !l.noLegend && !l.run && !seen.has(l.label)) seen.set(l.label, l.color);
  }
  return [...seen].map(([label, color]) => ({ label, color }));
}

export class PlotLegend {
  readonly element: HTMLElement;
  /** The entries shown (none at first: a card without entries never touches the row again). */
  private entriesKey = '[]';
  private buttons = new Map<string, HTMLButtonElement>();

  /** Placed in `box` before `canvas`; `toggle` is called with an entry's label on click. */
  constructor(box: HTMLElement, canvas: HTMLCanvasElement, toggle: (label: string) => void) {
    this.element = document.createElement('div');
    this.element.className = 'plot-legend';
    this.element.setAttribute('role', 'group');
    this.element.setAttribute('aria-label', 'Series');
    this.element.hidden = true;
    this.element.addEventListener('click', (e) => {
      const b = (e.target as Element | null)?.closest('button');
      const label = b?.dataset.label;
      if (label !== undefined) toggle(label);
    });
    box.insertBefore(this.element, canvas);
  }

  /**
   * Shows `entries` (the row is hidden when there are none) with their pressed states; true when the entries
   * changed, i.e. the row may have changed height (the canvas below it with it).
   */
  set(entries: readonly LegendEntry[], hidden: ReadonlySet<string>): boolean {
    const key = JSON.stringify(entries);
    const changed = key !== this.entriesKey;
    if (changed) {
      this.entriesKey = key;
      this.buttons = new Map(entries.map((e) => [e.label, this.button(e)]));
      this.element.replaceChildren(...this.buttons.values());
      this.element.hidden = entries.length === 0;
    }
    for (const [label, b] of this.buttons) {
      const pressed = String(!hidden.has(label));
      if (b.getAttribute('aria-pressed') !== pressed) {
        b.setAttribute('aria-pressed', pressed);
        b.title = `${pressed === 'true' ? 'Hide' : 'Show'} ${label}`;
      }
    }
    return changed;
  }

  private button(e: LegendEntry): HTMLButtonElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'plot-legend-entry';
    b.dataset.label = e.label;
    const swatch = document.createElement('span');
    swatch.className = 'plot-legend-swatch';
    swatch.style.backgroundColor = e.color;
    const text = document.createElement('span');
    text.textContent = e.label;
    b.append(swatch, text);
    return b;
  }
}

const SWATCH_W = 12;
const SWATCH_H = 10;

/**
 * Draws the entries as rows of swatch + text from (x, y) within `width` CSS px, hidden ones struck through (or only
 * measures, without `draw`); returns the height used (0 without entries).
 */
export function drawLegend(
  ctx: CanvasRenderingContext2D,
  entries: readonly LegendEntry[],
  hidden: ReadonlySet<string>,
  t: Theme,
  x: number,
  y: number,
  width: number,
  draw = true,
): number {
  if (entries.length === 0) return 0;
  const line = Math.ceil(tickFontSize(t) * 1.5);
  ctx.save();
  ctx.font = tickFont(t);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  let cx = x;
  let cy = y;
  for (const e of entries) {
    const w = SWATCH_W + 5 + ctx.measureText(e.label).width;
    if (cx > x && cx + w > x + width) {
      cx = x;
      cy += line;
    }
    if (draw) {
      ctx.globalAlpha = hidden.has(e.label) ? 0.45 : 1;
      ctx.fillStyle = e.color;
      ctx.fillRect(cx, cy + (line - SWATCH_H) / 2, SWATCH_W, SWATCH_H);
      ctx.fillStyle = t.foreground;
      ctx.fillText(e.label, cx + SWATCH_W + 5, cy + line / 2);
      if (hidden.has(e.label)) {
        ctx.fillRect(cx + SWATCH_W + 5, Math.round(cy + line / 2), w - SWATCH_W - 5, 1);
      }
    }
    cx += w + 12;
  }
  ctx.restore();
  return cy + line - y;
}
