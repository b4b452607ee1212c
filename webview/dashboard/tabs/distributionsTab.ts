/**
 * Distributions tab: a layer's percentile bands over training (TensorBoard's Distributions view, runs overlaid),
 * the ridgeline of every layer's histogram at the chosen step, and the same layer's histogram from every compared
 * run on one axis with the N(0, 1) / selu(N(0, 1)) reference (the cross-run view no other tool has).
 */
import type { RunView } from '../../shared/store';
import type { DashboardData } from '../../shared/store';
import { selectedRuns } from '../../shared/store';
import { runColor } from '../../shared/theme';
import { toCsv } from '../charts/card';
import { HistogramOverlayChart } from '../charts/histogramOverlay';
import { PercentileBandsChart } from '../charts/percentileBands';
import { binCenters, RidgelineChart } from '../charts/ridgeline';
import { el, select } from '../controls';
import { histogramsAt, runLabel } from '../selectors';
import { quantitySelect, stepControl } from './stepControl';
import type { TabContext, TabView } from './tab';
import { thin } from '../../../src/core/series';

/** Percentile bands of more runs than this overlap into an unreadable blur (TensorBoard draws one run per chart). */
export const BAND_RUNS = 4;
/**
 * Steps per band at most: about a card's width in pixels, so a polygon vertex per pixel column at most (more are
 * painted over each other); at 1,000 steps x 8 bands x 4 runs the full series cost ~10 ms per update.
 */
export const BAND_POINTS = 400;

export function createDistributionsTab(ctx: TabContext): TabView {
  const root = el('section', 'tab tab-distributions');
  const steps = stepControl(ctx, 'dist');
  const layerSelect = select(
    'Layer',
    [{ value: '0', label: 'layer 0' }],
    String(ctx.ui().layer),
    (v) => ctx.update({ layer: Number(v) }),
    'dist-layer',
  );
  steps.element.append(layerSelect.element, quantitySelect(ctx, 'dist-quantity'));
  const grid = el('div', 'grid');
  root.append(steps.element, grid);
  let runs: RunView[] = [];
  let step = 0;
  let layerCount = -1;
  const base = { parent: grid, save: ctx.save, theme: ctx.theme };
  const q = (): 'pre' | 'post' => ctx.ui().quantity;
  const layer = (): number => ctx.ui().layer;

  const bands = new PercentileBandsChart({
    ...base,
    id: 'dist:bands',
    title: 'Percentiles over steps',
    className: 'wide',
    csv: () =>
      toCsv(
        ['run', 'step', 'p0', 'p6.68', 'p15.87', 'p30.85', 'p50', 'p69.15', 'p84.13', 'p93.32', 'p100'],
        runs.flatMap((run) =>
          run.frames.map((f) => [run.info.name, f.step, ...(f.layers[layer()]?.[q()].percentiles ?? [])]),
        ),
      ),
  });
  const histCsv = (all: boolean): string =>
    toCsv(
      ['run', 'step', 'layer', 'bin_center', 'count'],
      runs.slice(0, all ? runs.length : 1).flatMap((run) => {
        const frame = histogramsAt(run, step);
        return (frame?.[q()] ?? []).flatMap((h, l) =>
          all && l !== layer()
            ? []
            : binCenters(h).map((x, i) => [run.info.name, frame?.step, l, x, h.counts[i]]),
        );
      }),
    );
  const ridge = new RidgelineChart({
    ...base,
    id: 'dist:ridgeline',
    title: 'Histograms by depth',
    csv: () => histCsv(false),
  });
  const overlay = new HistogramOverlayChart({
    ...base,
    id: 'dist:overlay',
    title: 'Same layer across runs',
    csv: () => histCsv(true),
  });

  return {
    root,
    render(data: DashboardData) {
      runs = selectedRuns(data);
      step = steps.sync(runs);
      const layers = Math.max(
        0,
        ...runs.map((r) => r.info.layers.length || (r.frames[0]?.layers.length ?? 0)),
      );
      if (layers !== layerCount) {
        layerCount = layers;
        const opts = Array.from({ length: Math.max(1, layers) }, (_, i) => ({
          value: String(i),
          label: `layer ${i}`,
        }));
        layerSelect.setOptions(opts, String(Math.min(layer(), Math.max(0, layers - 1))));
      }
      const l = Math.min(layer(), Math.max(0, layers - 1));
      const what = q() === 'post' ? 'activations' : 'pre-activations';
      const banded = runs.slice(0, BAND_RUNS);
      const more = runs.length > BAND_RUNS ? ` (first ${BAND_RUNS} of ${runs.length} runs)` : '';
      bands.card.setTitle(`Layer ${l} ${what}: percentiles over steps${more}`);
      bands.set(
        banded.map((run, i) => ({
          label: runLabel(run.info),
          color: runColor(ctx.theme, i),
          points: thin(run.frames, BAND_POINTS).flatMap((f) => {
            const s = f.layers[l];
            return s ? [{ x: f.step, percentiles: s[q()].percentiles }] : [];
          }),
        })),
        what,
      );
      const primary = runs[0];
      const frame = primary ? histogramsAt(primary, step) : undefined;
      ridge.card.setTitle(
        `Histograms of ${what} by depth, step ${frame?.step ?? '—'}${primary ? ` (${runLabel(primary.info)})` : ''}`,
      );
      ridge.set(frame?.[q()] ?? [], runColor(ctx.theme, 0), what);
      overlay.card.setTitle(`Layer ${l} ${what} across runs, step ≤ ${step}`);
      overlay.set(
        runs.flatMap((run, i) => {
          const h = histogramsAt(run, step)?.[q()][l];
          return h ? [{ label: runLabel(run.info), color: runColor(ctx.theme, i), histogram: h }] : [];
        }),
        q(),
        what,
      );
    },
    destroy() {
      bands.card.destroy();
      ridge.card.destroy();
      overlay.card.destroy();
      root.remove();
    },
  };
}
