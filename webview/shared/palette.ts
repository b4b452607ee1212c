/**
 * Run colours and the second visual channel. Two 12-colour palettes (dark and light themes), chosen by a search
 * that maximised the smallest CIEDE2000 difference between any two colours under normal vision and simulated
 * deuteranopia, protanopia and tritanopia (Machado et al. 2009, full severity), each colour at least 3:1 against its
 * theme's editor background (WCAG 1.4.11). test/webview/palette.test.ts checks both properties; docs/dashboard.md
 * has the figures. Past 12 runs (or where two compared runs share a colour) dash patterns and markers tell lines
 * apart.
 */

/** Dark and high-contrast dark themes, most distinct first (each prefix is as spread as the search allowed). */
export const DARK_PALETTE = [
  '#48a2ff',
  '#eb9a04',
  '#bf2786',
  '#ffd1cd',
  '#298554',
  '#7cf3ff',
  '#b67e84',
  '#d50027',
  '#a8b583',
  '#575be6',
  '#ebe600',
  '#857000',
] as const;

/** Light and high-contrast light themes. */
export const LIGHT_PALETTE = [
  '#5388ff',
  '#af2f00',
  '#3600c9',
  '#63a400',
  '#005449',
  '#cb707c',
  '#7e7240',
  '#c32fd1',
  '#810057',
  '#4b527c',
  '#00a880',
  '#9586b4',
] as const;

/** Colour slots per palette: a run's slot is a number in [0, PALETTE_SIZE). */
export const PALETTE_SIZE = 12;

/** Line dash patterns in px, solid first; the second channel where colours repeat or collide. */
export const DASHES: readonly (readonly number[])[] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 5]];

/** Marker shapes, in the same role as {@link DASHES} for markers-only series. */
export const MARKERS = ['circle', 'rect', 'triangle', 'rectRot', 'cross', 'star'] as const;
export type MarkerShape = (typeof MARKERS)[number];

/**
 * Colour slots when the host sent none (recordings, tests): each run's place among all runs in creation order,
 * modulo the palette, as the host assigns them to a fresh store. The sidebar and the dashboard both list every
 * run, so a run gets the same slot in both.
 */
export function slotsByCreation(
  runs: readonly { runId: string; createdAt: string; color?: number }[],
): Map<string, number> {
  const order = [...runs].sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.runId < b.runId ? -1 : 1,
  );
  return new Map(order.map((r, i) => [r.runId, r.color ?? i % PALETTE_SIZE]));
}
