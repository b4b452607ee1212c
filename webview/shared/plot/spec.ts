/**
 * The data model of the dashboard's canvas plots: series, filled areas, axes and the pixel frame a paint used.
 * Laid out by layout.ts, framed and painted by the plot card (dashboard/charts/plotFrame.ts, series.ts); no DOM.
 */
import type { Axis } from './scale';

export interface PlotLine {
  label: string;
  /** Colour of the line, markers and legend swatch (any CSS colour, alpha included). */
  color: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  width?: number;
  dash?: number[];
  /** Marker radius in px (0 or absent: no markers). */
  radius?: number;
  marker?: 'circle' | 'rect' | 'triangle' | 'rectRot' | 'cross' | 'star';
  /** Steps centred between points (histograms) instead of straight segments. */
  stepped?: boolean;
  /** Fills between the line and the horizontal line y = base. */
  fill?: { base: number; color: string };
  /** False: markers only. */
  line?: boolean;
  /** No legend entry and no hover readout (faint raw curves behind smoothed ones). */
  quiet?: boolean;
  /** No legend entry in the chart (run lines never have one: the dashboard's run legend names them). */
  noLegend?: boolean;
  /** The run this line belongs to: hidden, dimmed or emphasised with it (dashboard/runFocus.ts). */
  run?: string;
}

/** A filled polygon between two curves over the same xs (a percentile band). */
export interface PlotArea {
  xs: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  color: string;
}

export interface AxisSpec {
  title: string;
  log?: boolean;
  min?: number;
  max?: number;
  /** Ticks on whole numbers only. */
  integer?: boolean;
  /** Widens the data range to nice tick values (default: y yes, x no). */
  nice?: boolean;
  /** The data grows at the upper end (steps of a live run): that end is rounded up (`grownMax`). */
  grows?: boolean;
  format?: (v: number) => string;
  grid?: boolean;
}

export interface Frame {
  x: Axis;
  y: Axis;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface PlotSpec {
  x: AxisSpec;
  y: AxisSpec;
  lines: readonly PlotLine[];
  areas?: readonly PlotArea[];
  legend?: boolean;
  /** Painted after the frame's grid and before the data, clipped to the plot area (reference bands, bitmaps, fields). */
  under?: (ctx: CanvasRenderingContext2D, frame: Frame) => void;
}
