// The run palettes: 12 colours each, apart from one another under normal vision and simulated colour-vision
// deficiencies (Machado et al. 2009 via culori), and readable against their theme's background.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  differenceCiede2000,
  filterDeficiencyDeuter,
  filterDeficiencyProt,
  filterDeficiencyTrit,
  rgb,
  wcagContrast,
  type Color,
} from 'culori';
import {
  DARK_PALETTE,
  DASHES,
  slotsByCreation,
  LIGHT_PALETTE,
  MARKERS,
  PALETTE_SIZE,
} from '../../webview/shared/palette';

const de = differenceCiede2000();
const VISION: Record<string, (c: Color) => Color> = {
  normal: (c) => c,
  deuteranopia: filterDeficiencyDeuter(1),
  protanopia: filterDeficiencyProt(1),
  tritanopia: filterDeficiencyTrit(1),
};

/** Smallest CIEDE2000 difference between two palette colours as seen with `vision`. */
function smallestDifference(palette: readonly string[], vision: (c: Color) => Color): number {
  const seen = palette.map((hex) => vision(rgb(hex) as Color));
  let min = Infinity;
  for (let i = 0; i < seen.length; i++) {
    for (let j = i + 1; j < seen.length; j++) min = Math.min(min, de(seen[i] as Color, seen[j] as Color));
  }
  return min;
}

// Thresholds: a CIEDE2000 difference of ~10 is "clearly different" for thin lines (about 5x the just-noticeable
// difference of ~2); the palettes were searched for the largest smallest difference and reach 13.4 (dark) and
// 11.6 (light) under the three simulated deficiencies, ~20 with normal vision. A palette edit that merges two
// colours for any of these viewers fails here.
const CASES = [
  { name: 'dark', palette: DARK_PALETTE, background: '#1f1f1f', normal: 19, deficient: 11 },
  { name: 'light', palette: LIGHT_PALETTE, background: '#ffffff', normal: 19, deficient: 11 },
] as const;

for (const c of CASES) {
  test(`${c.name} palette: 12 colours, apart under normal vision and every simulated deficiency`, () => {
    assert.equal(c.palette.length, PALETTE_SIZE);
    assert.equal(new Set(c.palette).size, PALETTE_SIZE);
    for (const [vision, simulate] of Object.entries(VISION)) {
      const min = smallestDifference(c.palette, simulate);
      const want = vision === 'normal' ? c.normal : c.deficient;
      assert.ok(min >= want, `${vision}: smallest CIEDE2000 difference ${min.toFixed(2)} < ${want}`);
    }
  });

  test(`${c.name} palette: every colour has at least 3:1 contrast with the editor background`, () => {
    for (const hex of c.palette) {
      const ratio = wcagContrast(hex, c.background);
      assert.ok(ratio >= 3, `${hex} on ${c.background}: ${ratio.toFixed(2)}:1`);
    }
  });
}

test('second channel: distinct dash patterns and markers; fallback slots follow creation order', () => {
  assert.equal(new Set(DASHES.map((d) => d.join(','))).size, DASHES.length);
  assert.equal(new Set(MARKERS).size, MARKERS.length);
  const runs = Array.from({ length: 14 }, (_, i) => ({
    runId: `run-${i}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  }));
  const slots = slotsByCreation([...runs].reverse());
  assert.deepEqual(
    runs.map((r) => slots.get(r.runId)),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1],
  );
  assert.equal(slotsByCreation([{ ...runs[0]!, color: 7 }]).get('run-0'), 7, 'a slot from the host wins');
  assert.equal(PALETTE_SIZE, 12);
});
