/**
 * One-time work the first chart render would otherwise do, done while the page waits for the host's first snapshot
 * after saying `ready`: the first Intl.NumberFormat (ICU set-up, 20–80 ms in Chromium; chart.js formats numbers with
 * one) and the first canvas text measurement in the theme's fonts (font loading, 10–30 ms). The page is idle then, so
 * this costs the user nothing; it is work the first render needs anyway (docs/performance.md, issue 14).
 */
import type { Theme } from '../shared/theme';

/** Runs the warm-up once, in its own task, so a message already queued for the page is handled first. */
export function warmUpSoon(theme: () => Theme): void {
  setTimeout(() => {
    new Intl.NumberFormat(navigator.language).format(0.5);
    new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(0.5);
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
