/**
 * The plot frame's pure parts (webview/shared/plot/ticks.ts, layout.ts): tick values of linear, integer and log
 * axes, the skipping of labels that would overlap, and the layout of a box into a plot area with its tick labels
 * (text widths from a fixed-width stand-in for measureText).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { plotLayout } from '../../../webview/shared/plot/layout';
import { keepApart, linearTicks, logTicks } from '../../../webview/shared/plot/ticks';

/** 6 px per character, as a 10-px font roughly measures. */
const measure = (s: string): number => 6 * s.length;

describe('plot ticks', () => {
  test('[0, 1] gets 0, 0.2, ..., 1 without binary noise', () => {
    assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(linearTicks(0.1, 0.7, 6), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  test("only nice values inside the range: the range's own ends are not ticks unless nice", () => {
    assert.deepEqual(linearTicks(-0.5, 7.5, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(linearTicks(13, 152, 7), [20, 40, 60, 80, 100, 120, 140]);
    assert.deepEqual(linearTicks(-3, 3, 6), [-3, -2, -1, 0, 1, 2, 3]);
  });

  test('an integer axis never gets a fractional tick, even over a short range', () => {
    for (const [lo, hi] of [
      [0, 1],
      [0, 3],
      [-0.5, 2.5],
      [0, 7],
    ] as const) {
      const ticks = linearTicks(lo, hi, 10, true);
      assert.ok(ticks.length > 0, `[${lo}, ${hi}]`);
      assert.ok(
        ticks.every((v) => Number.isInteger(v)),
        `[${lo}, ${hi}]: ${ticks.join(', ')}`,
      );
    }
    assert.deepEqual(linearTicks(0, 1, 10, true), [0, 1]);
  });

  test('a log axis over many decades gets the decades; over few, 2 and 5 between them', () => {
    assert.deepEqual(logTicks(1e-3, 10), [0.001, 0.01, 0.1, 1, 10]);
    assert.deepEqual(logTicks(1, 100), [1, 2, 5, 10, 20, 50, 100]);
    assert.deepEqual(logTicks(1e-8, 1e4).length, 13);
    // Less than a decade without a 1-2-5 value inside: every whole multiple.
    assert.deepEqual(logTicks(3, 4.5), [3, 4]);
  });

  test('degenerate ranges give no tick or one', () => {
    assert.deepEqual(linearTicks(2, 2, 5), [2]);
    assert.deepEqual(linearTicks(NaN, 1, 5), []);
    assert.deepEqual(logTicks(0, 10), []);
  });

  test('keepApart keeps every k-th label so that none overlaps its neighbours', () => {
    const centers = [0, 30, 60, 90, 120, 150];
    assert.deepEqual(keepApart(centers, [20, 20, 20, 20, 20, 20], 4), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(keepApart(centers, [40, 40, 40, 40, 40, 40], 4), [0, 2, 4]);
    // A y axis runs downwards: centres in decreasing order work the same.
    assert.deepEqual(keepApart([100, 90, 80, 70], [12, 12, 12, 12], 2), [0, 2]);
    assert.deepEqual(keepApart([], [], 4), []);
  });
});

describe('plot layout', () => {
  const axis = { title: 'step' };
  test('no two kept x labels overlap, however narrow the box', () => {
    for (const width of [120, 200, 360, 640]) {
      const l = plotLayout(width, 200, axis, [0, 123456], { title: 'loss' }, [0, 1], 10, measure);
      assert.ok(l.xTicks.length >= 1, `${width}: ${l.xTicks.length} ticks`);
      for (let i = 1; i < l.xTicks.length; i++) {
        const a = l.xTicks[i - 1]!;
        const b = l.xTicks[i]!;
        const room = b.at - a.at - (measure(a.label) + measure(b.label)) / 2;
        assert.ok(room >= 0, `${width} px: ${a.label} and ${b.label} overlap by ${-room} px`);
      }
    }
  });

  test('the plot area leaves room for the widest y label and both titles, inside the box', () => {
    const y = { title: 'variance' };
    const l = plotLayout(400, 240, axis, [0, 10], y, [0, 1000], 10, measure);
    const widest = Math.max(...l.yTicks.map((t) => measure(t.label)));
    assert.ok(l.frame.left >= widest + 12, `left ${l.frame.left} for labels ${widest} px wide and a title`);
    assert.ok(l.frame.right <= 400 && l.frame.top > 0 && l.frame.bottom < 240 - 24);
    assert.equal(l.frame.x.from, l.frame.left);
    assert.equal(l.frame.y.from, l.frame.bottom, 'y runs upwards');
    // The y ticks of [0, 1000] are nice values on their pixels.
    assert.deepEqual(
      l.yTicks.map((t) => t.value),
      [0, 200, 400, 600, 800, 1000],
    );
    assert.equal(l.yTicks[0]!.at, l.frame.bottom);
    assert.equal(l.yTicks.at(-1)!.at, l.frame.top);
  });

  test('a log y axis is laid out on decades; a format callback writes the labels', () => {
    const l = plotLayout(
      400,
      240,
      { title: '', format: (v) => `#${v}` },
      [0, 4],
      { title: '', log: true },
      [1e-3, 10],
      10,
      measure,
    );
    assert.deepEqual(
      l.yTicks.map((t) => t.value),
      [0.001, 0.01, 0.1, 1, 10],
    );
    assert.ok(l.xTicks.every((t) => t.label.startsWith('#')));
    const spacing = l.yTicks[0]!.at - l.yTicks[1]!.at;
    assert.ok(Math.abs(l.yTicks[3]!.at - l.yTicks[4]!.at - spacing) < 1e-6, 'decades equally spaced');
  });

  test('a last x label that would leave the box narrows the plot area instead', () => {
    const l = plotLayout(300, 200, { title: '' }, [0, 1e6], { title: '' }, [0, 1], 10, () => 60);
    const last = l.xTicks.at(-1)!;
    assert.ok(last.at + 30 <= 300, `last label ends at ${last.at + 30}`);
  });
});
