/**
 * One-time work the first chart render would otherwise do, done while the page waits for the host's first snapshot
 * after saying `ready`: the first canvas text measurement in the theme's fonts (font loading, 10–30 ms; the plot
 * frame measures its tick labels), then one throwaway plot card drawn off screen with a Curves card's code path
 * (EMA, LTTB, layout, frame, lines; linear and log axes), so the first real render runs in functions V8 has already
 * compiled and gathered type feedback for instead of interpreting them cold. The page is idle then, so this costs
 * the user nothing; it is work the first render needs anyway (docs/performance.md, "First open (session 8)").
 */
import { debiasedEma, lttbIndices } from '../../src/core/series';
import type { Theme } from '../shared/theme';
import { LineChart } from './charts/lineChart';
import { tickFontSize } from './charts/plotFrame';

/** Points per warm-up series (a run's batch_loss is ~1,000 reports) and series per card. */
const POINTS = 1000;
const SERIES = 6;

/** Draws and removes one off-screen card, all in this task: no other code ever sees it. */
function warmUpCard(theme: Theme): void {
  const box = document.createElement('div');
  box.setAttribute('aria-hidden', 'true');
  Object.assign(box.style, {
    position: 'fixed',
    left: '-10000px',
    top: '0',
    width: '480px',
    visibility: 'hidden',
  });
  document.body.append(box);
  const chart = new LineChart({
    id: 'snn-lab-warm-up',
    title: 'warm-up',
    parent: box,
    save: () => undefined,
    theme,
    csv: () => '',
  });
  try {
    const steps = Array.from({ length: POINTS }, (_, i) => i);
    const series = Array.from({ length: SERIES }, (_, k) => {
      const raw = steps.map((i) => 2 * Math.exp(-i / (200 + 40 * k)) + 0.05 * Math.sin(i * (k + 1)));
      const smooth = debiasedEma(raw, 0.6);
      const keep = lttbIndices(steps, smooth, 300);
      return {
        label: `w${k}`,
        color: theme.palette[k % theme.palette.length] ?? theme.foreground,
        xs: keep.map((i) => steps[i] as number),
        ys: keep.map((i) => smooth[i] as number),
        run: `warm-up-${k}`,
        ...(k % 2 === 1 ? { dash: [6, 3] } : {}),
      };
    });
    chart.set(series, { xTitle: 'step', yTitle: 'loss', growingX: true });
    chart.set(series, { xTitle: 'step', yTitle: 'loss', growingX: true, logY: true });
  } finally {
    chart.card.destroy();
    box.remove();
  }
}

/** Runs the warm-up once, in tasks of its own, so a message already queued for the page is handled first. */
export function warmUpSoon(theme: () => Theme): void {
  setTimeout(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return;
    const t = theme();
    for (const size of new Set([tickFontSize(t), t.fontSize, 12])) {
      for (const weight of ['', 'bold ', '600 ']) {
        ctx.font = `${weight}${size}px ${t.fontFamily}`;
        ctx.measureText('0.123456789e−+ step loss');
      }
    }
    setTimeout(() => warmUpCard(theme()), 0);
  }, 0);
}
