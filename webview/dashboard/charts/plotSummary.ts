/** What a plot card painted last, as the browser tests read it: each series' and band's pixels on the canvas. */
import { toPixel } from '../../shared/plot/scale';
import type { Frame, PlotLine, PlotSpec } from '../../shared/plot/spec';

/** A painted series' pixels (CSS px in the canvas): the browser tests look for its colour along them. */
export interface PaintedPath {
  label: string;
  run?: string;
  color: string;
  dashed: boolean;
  /** Up to 60 points along the series, in canvas CSS pixels, inside the plot area. */
  pixels: [number, number][];
}

/** What a plot painted last: read by the browser tests through window.__snnLab.charts(). */
export interface PlotSummary {
  type: string;
  datasets: number;
  points: number[];
  labels: string[];
  bands?: number;
  cells?: number;
  arrows?: number;
  /** The axis ranges drawn ([min, max] in data units). */
  x?: [number, number];
  y?: [number, number];
  /** Runs drawn (visible run lines), and what each visible series looks like on the canvas. */
  runs?: string[];
  paths?: PaintedPath[];
  /** Filled bands: colour and up to 60 [x, upper y, lower y] samples in canvas CSS pixels (inside the plot area). */
  areas?: { color: string; pixels: [number, number, number][] }[];
  title?: string;
  subtitle?: string;
  /** How the last paint was made: the whole render, or the kept bitmap plus the changed lines (seriesLayer.ts). */
  paint?: 'full' | 'cached';
  /** The plot area of the last layout (canvas CSS px). */
  frame?: { left: number; top: number; right: number; bottom: number };
}

/** The runs, series paths and band samples of `spec` that `shows` lets through, in canvas CSS pixels of frame `f`. */
export function paintedSeries(
  spec: PlotSpec | undefined,
  f: Frame | undefined,
  shows: (line: PlotLine) => boolean,
): Pick<PlotSummary, 'runs' | 'paths' | 'areas'> {
  const visible = spec ? spec.lines.filter((l) => shows(l)) : [];
  const paths: PaintedPath[] = visible.map((l) => {
    const n = Math.min(l.xs.length, l.ys.length);
    const every = Math.max(1, Math.ceil(n / 60));
    const pixels: [number, number][] = [];
    for (let i = 0; f && i < n; i += every) {
      const px = toPixel(f.x, l.xs[i] as number);
      const py = toPixel(f.y, l.ys[i] as number);
      if (px >= f.left && px <= f.right && py >= f.top && py <= f.bottom) pixels.push([px, py]);
    }
    return {
      label: l.label,
      ...(l.run ? { run: l.run } : {}),
      color: l.color,
      dashed: (l.dash?.length ?? 0) > 0,
      pixels,
    };
  });
  const runs = [...new Set(visible.flatMap((l) => (l.run ? [l.run] : [])))];
  const areas = (spec?.areas ?? []).map((a) => {
    const n = Math.min(a.xs.length, a.lower.length, a.upper.length);
    const every = Math.max(1, Math.ceil(n / 60));
    const pixels: [number, number, number][] = [];
    for (let i = 0; f && i < n; i += every) {
      const px = toPixel(f.x, a.xs[i] as number);
      const top = toPixel(f.y, a.upper[i] as number);
      const bottom = toPixel(f.y, a.lower[i] as number);
      if (px >= f.left && px <= f.right && top >= f.top && bottom <= f.bottom) {
        pixels.push([px, top, bottom]);
      }
    }
    return { color: a.color, pixels };
  });
  return { runs, paths, ...(areas.length > 0 ? { areas } : {}) };
}
