/**
 * The layout of a plot frame (no DOM; text widths come from a `measure` function): the plot area inside a box of
 * CSS pixels once the y tick labels and title (left) and the x tick labels and title (bottom) have their room, and
 * the ticks each axis labels there (nice values, overlapping labels skipped). dashboard/charts/plotFrame.ts draws it.
 */
import { formatTick, toPixel } from './scale';
import type { AxisSpec, Frame } from './spec';
import { keepApart, linearTicks, logTicks } from './ticks';

/** A labelled tick: its value, its text and its pixel along the axis. */
export interface Tick {
  value: number;
  label: string;
  at: number;
}

export interface PlotLayout {
  frame: Frame;
  xTicks: Tick[];
  yTicks: Tick[];
  /** The box laid out (CSS px) and the tick font size (px). */
  width: number;
  height: number;
  font: number;
}

/** Tick mark length, and the gap between a mark and its label (px). */
export const TICK = 5;
export const TICK_GAP = 3;
/** Room around the frame: above the plot area (besides half a label) and right of it, at the least. */
const PAD_TOP = 2;
const PAD_RIGHT = 10;
const PAD_LEFT = 2;
const PAD_BOTTOM = 2;
/** Least pixels between two kept labels of the x axis and of the y axis. */
const X_GAP = 12;
const Y_GAP = 4;

/** The tick font's line height for a font size. */
export const lineHeight = (font: number): number => Math.ceil(font * 1.2);

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The tick values of an axis over `range` for a pixel length (about one tick per `per` px). */
function tickValues(spec: AxisSpec, range: readonly [number, number], length: number, per: number): number[] {
  if (spec.log) return logTicks(range[0], range[1]);
  const count = clamp(Math.round(length / per), 2, 10);
  return linearTicks(range[0], range[1], count, spec.integer ?? false);
}

/** The ticks of one axis placed on `axis` and thinned so their labels keep apart (`size` per label). */
function placeTicks(
  spec: AxisSpec,
  values: readonly number[],
  axis: Frame['x'],
  size: (label: string) => number,
  gap: number,
): Tick[] {
  const format = spec.format ?? formatTick;
  const all = values.map((value) => ({ value, label: format(value), at: toPixel(axis, value) }));
  const ticks = all.filter((t) => Number.isFinite(t.at));
  const kept = keepApart(
    ticks.map((t) => t.at),
    ticks.map((t) => size(t.label)),
    gap,
  );
  return kept.map((i) => ticks[i] as Tick);
}

/**
 * Lays out a `width` x `height` box: y labels measured first (the plot's height does not depend on them), then the
 * x labels over the width left, the right margin grown when the last x label would leave the box.
 */
export function plotLayout(
  width: number,
  height: number,
  x: AxisSpec,
  xRange: readonly [number, number],
  y: AxisSpec,
  yRange: readonly [number, number],
  font: number,
  measure: (text: string) => number,
): PlotLayout {
  const line = lineHeight(font);
  const top = PAD_TOP + Math.ceil(line / 2);
  const xTitle = x.title !== '' ? line + 2 : 0;
  const bottom = Math.max(top + 1, height - PAD_BOTTOM - xTitle - line - TICK_GAP - TICK);
  const yAxis = { min: yRange[0], max: yRange[1], log: y.log ?? false, from: bottom, to: top };
  const yTicks = placeTicks(y, tickValues(y, yRange, bottom - top, 34), yAxis, () => line, Y_GAP);
  const labelWidth = Math.max(0, ...yTicks.map((t) => measure(t.label)));
  const yTitle = y.title !== '' ? line + 4 : 0;
  const left = Math.min(width - 2, PAD_LEFT + yTitle + Math.ceil(labelWidth) + TICK_GAP + TICK);
  const widths = new Map<string, number>();
  const size = (label: string): number => {
    let w = widths.get(label);
    if (w === undefined) widths.set(label, (w = measure(label)));
    return w;
  };
  const place = (right: number): { xAxis: Frame['x']; ticks: Tick[] } => {
    const xAxis = { min: xRange[0], max: xRange[1], log: x.log ?? false, from: left, to: right };
    return { xAxis, ticks: placeTicks(x, tickValues(x, xRange, right - left, 70), xAxis, size, X_GAP) };
  };
  let right = Math.max(left + 1, width - PAD_RIGHT);
  let placed = place(right);
  const lastTick = placed.ticks.at(-1);
  const over = lastTick ? lastTick.at + size(lastTick.label) / 2 - (width - PAD_LEFT) : 0;
  if (over > 0) {
    right = Math.max(left + 1, right - Math.ceil(over));
    placed = place(right);
  }
  return {
    frame: { x: placed.xAxis, y: yAxis, left, top, right, bottom },
    xTicks: placed.ticks,
    yTicks,
    width,
    height,
    font,
  };
}
