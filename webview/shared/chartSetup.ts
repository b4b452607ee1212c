/**
 * Registers exactly the chart.js components the dashboards use (chart.js 4 is tree-shakable) and applies theme
 * defaults. Importing this module once is enough; chart wrappers import Chart from here.
 */
import {
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import type { Theme } from './theme';

Chart.register(
  LineController,
  ScatterController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  CategoryScale,
  Filler,
  Legend,
  Tooltip,
);

/** Applies theme colours and fonts to chart.js defaults (existing charts re-apply through their wrappers). */
export function applyChartTheme(theme: Theme): void {
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 2);
  // Streaming updates redraw without animation (architecture.md §3.6).
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;
  // Size the axes from 8 sampled tick labels, not all of them: measuring every label (32 layer ticks per depth
  // chart) was the largest layout cost per update (chart.js performance guide, "Tick Calculation").
  (Chart.defaults.scale.ticks as { sampleSize?: number }).sampleSize = 8;
}

export { Chart };
