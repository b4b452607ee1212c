/**
 * Chart colours from VS Code's --vscode-* CSS variables (a canvas cannot read CSS variables itself), re-read when
 * the theme changes: VS Code swaps the body class (vscode-light / vscode-dark / vscode-high-contrast).
 */
import { DARK_PALETTE, LIGHT_PALETTE } from './palette';

export interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  /** Target bands and reference marks (the (0, 1) fixed point, Theorem 1 box). */
  reference: string;
  warning: string;
  error: string;
  /** 'light' for light and high-contrast light themes: picks the palette and the contrast of readouts. */
  kind: 'light' | 'dark';
  /** The 12 run colours of the theme kind (palette.ts); a run's colour slot indexes it. */
  palette: readonly string[];
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Reads the current theme (fallbacks are VS Code's Dark Modern values, for plain browser pages). */
export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
  const classes = document.body.classList;
  const light = classes.contains('vscode-light') || classes.contains('vscode-high-contrast-light');
  const v = (name: string, fallback: string): string => cssVar(s, `--vscode-${name}`, fallback);
  return {
    foreground: v('foreground', '#cccccc'),
    muted: v('descriptionForeground', '#9d9d9d'),
    grid: v('editorWidget-border', '#454545'),
    background: v('editor-background', '#1f1f1f'),
    fontFamily: v('font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(v('font-size', '13')) || 13,
    reference: v('charts-green', '#89d185'),
    warning: v('charts-yellow', '#cca700'),
    error: v('charts-red', '#f14c4c'),
    kind: light ? 'light' : 'dark',
    palette: light ? LIGHT_PALETTE : DARK_PALETTE,
  };
}

/** The colour of slot `index` (wrapping past the palette's 12; the second channel tells those apart). */
export function runColor(theme: Theme, index: number): string {
  const n = theme.palette.length;
  return theme.palette[((Math.trunc(index) % n) + n) % n] ?? theme.foreground;
}

/** `color` with opacity `alpha` (hex, rgb(), hsl() inputs; anything else is returned unchanged). */
export function withAlpha(color: string, alpha: number): string {
  const a = Math.min(1, Math.max(0, alpha)).toFixed(3);
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim());
  if (hex) {
    let h = hex[1] as string;
    if (h.length === 3 || h.length === 4) h = [...h].map((c) => c + c).join('');
    const n = (i: number): number => Number.parseInt(h.slice(i, i + 2), 16);
    return `rgba(${n(0)}, ${n(2)}, ${n(4)}, ${a})`;
  }
  const fn = /^(rgba?|hsla?)\(([^)]*)\)$/i.exec(color.trim());
  if (fn) {
    const parts = (fn[2] as string)
      .split(/[\s,/]+/)
      .filter(Boolean)
      .slice(0, 3);
    const kind = (fn[1] as string).toLowerCase().startsWith('rgb') ? 'rgba' : 'hsla';
    return `${kind}(${parts.join(', ')}, ${a})`;
  }
  return color;
}

/** Calls `listener` with the new theme whenever VS Code changes the body's theme class. */
export function onThemeChange(listener: (theme: Theme) => void): void {
  const observer = new MutationObserver(() => listener(readTheme()));
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
}
