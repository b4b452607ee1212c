/**
 * Chart colours from VS Code's --vscode-* CSS variables (a canvas cannot read CSS variables itself), re-read when
 * the theme changes: VS Code swaps the body class (vscode-light / vscode-dark / vscode-high-contrast).
 */

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
  /** Run colours, in selection order; extended by golden-angle hues past its end. */
  palette: string[];
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Reads the current theme (fallbacks are VS Code's Dark Modern values, for plain browser pages). */
export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
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
    palette: [
      v('charts-blue', '#3794ff'),
      v('charts-orange', '#d18616'),
      v('charts-purple', '#b180d7'),
      v('charts-red', '#f14c4c'),
      v('charts-yellow', '#cca700'),
      v('terminal-ansiCyan', '#29b8db'),
      v('terminal-ansiMagenta', '#bc3fbc'),
    ],
  };
}

/** The colour of the i-th compared run (never capped: past the palette, golden-angle hues). */
export function runColor(theme: Theme, index: number): string {
  const fixed = theme.palette[index];
  if (fixed !== undefined) return fixed;
  const hue = Math.round((index * 137.508) % 360);
  return `hsl(${hue} 65% 58%)`;
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
