/**
 * One-time work the first chart render would otherwise do, done while the page waits for the host's first snapshot
 * after saying `ready`: the first canvas text measurement in the theme's fonts (font loading, 10–30 ms; the plot
 * frame measures its tick labels). The page is idle then, so this costs the user nothing; it is work the first render
 * needs anyway (docs/performance.md, issue 14). The first Intl.NumberFormat (20–80 ms) was warmed up too while
 * chart.js formatted ticks with it; nothing in the dashboard uses one now.
 */
import type { Theme } from '../shared/theme';

/** Runs the warm-up once, in its own task, so a message already queued for the page is handled first. */
export function warmUpSoon(theme: () => Theme): void {
  setTimeout(() => {
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return;
    const t = theme();
    for (const size of new Set([Math.max(10, t.fontSize - 2), t.fontSize, 12])) {
      for (const weight of ['', 'bold ', '600 ']) {
        ctx.font = `${weight}${size}px ${t.fontFamily}`;
        ctx.measureText('0.123456789e−+ step loss');
      }
    }
  }, 0);
}
