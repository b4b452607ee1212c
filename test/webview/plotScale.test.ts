/**
 * The dashboard plotter's pure geometry (webview/shared/plot): nice steps and domains, log decades, value <-> pixel
 * maps, tick labels, and the paths a series traces (recorded from a fake 2D context). Runs in Node, no browser.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Axis } from '../../webview/shared/plot/scale';
import {
  extent,
  formatTick,
  fromPixel,
  grownMax,
  logDomain,
  niceDomain,
  niceStep,
  toPixel,
} from '../../webview/shared/plot/scale';
import { planeBounds } from '../../webview/dashboard/charts/phasePlane';
import { drawLine, nearestPoint } from '../../webview/shared/plot/series';
import type { Frame, PlotLine } from '../../webview/shared/plot/spec';

/** A 2D context that records the path calls a paint makes (everything else is a no-op). */
function recorder(): { ctx: CanvasRenderingContext2D; calls: [string, number, number][] } {
  const calls: [string, number, number][] = [];
  const ctx = new Proxy(
    {},
    {
      get: (_t, key) =>
        key === 'moveTo' || key === 'lineTo'
          ? (x: number, y: number) => calls.push([key, x, y])
          : () => undefined,
      set: () => true,
    },
  ) as unknown as CanvasRenderingContext2D;
  return { ctx, calls };
}

/** A 100 x 100 px frame over [0, 10] x [0, 10], y growing upwards. */
const frame: Frame = {
  x: { min: 0, max: 10, log: false, from: 0, to: 100 },
  y: { min: 0, max: 10, log: false, from: 100, to: 0 },
  left: 0,
  top: 0,
  right: 100,
  bottom: 100,
};

describe('plot scales', () => {
  test('nice steps are 1, 2 or 5 times a power of ten; integer steps are >= 1', () => {
    assert.equal(niceStep(10, 5), 2);
    assert.equal(niceStep(1, 4), 0.5);
    assert.equal(niceStep(0.037, 4), 0.01);
    assert.equal(niceStep(1000, 4), 500);
    assert.equal(niceStep(3, 10, true), 1);
    assert.equal(niceStep(32, 4, true), 10);
  });

  test('nice domains widen to tick multiples; flat ranges get a margin', () => {
    assert.deepEqual(niceDomain(0.13, 0.92, 5), [0, 1]);
    assert.deepEqual(niceDomain(-3.2, 41, 4), [-20, 60], '44.2 / 4 rounds up to steps of 20');
    assert.deepEqual(niceDomain(2, 2, 5), [1.8, 2.2]);
    assert.deepEqual(niceDomain(0, 0, 5), [-0.5, 0.5]);
  });

  test('a growing range ends at the next twentieth of its power of ten, so one more step rarely moves it', () => {
    assert.equal(grownMax(0, 1030), 1050, 'span 1,030: units of 1,000 / 20 = 50');
    assert.equal(grownMax(0, 1050), 1050, 'already on a unit');
    assert.equal(grownMax(0, 1051), 1100);
    assert.equal(grownMax(1, 9.33), 9.35, 'span 8.33: units of 1 / 20 = 0.05');
    assert.equal(grownMax(0, 0.123), 0.125, 'span 0.123: units of 0.005, no float noise');
    assert.equal(grownMax(5, 5), 5, 'flat range unchanged');
    // Every push of one step from 1,000 to 2,000 keeps the same upper end for at least 40 steps in a row.
    const ends = new Set<number>();
    for (let hi = 1000; hi <= 2000; hi++) ends.add(grownMax(0, hi));
    assert.ok(ends.size <= 21, `${ends.size} different upper ends over 1,000 pushes`);
    for (let hi = 1; hi <= 2000; hi++) assert.ok(grownMax(0, hi) >= hi && grownMax(0, hi) <= hi * 1.1);
  });

  test('log domains run over whole decades', () => {
    assert.deepEqual(logDomain(0.03, 4), [0.01, 10]);
    assert.deepEqual(logDomain(5, 5), [1, 10]);
  });

  test('extent skips NaN and infinities (and non-positive values for log axes)', () => {
    assert.deepEqual(
      extent([
        [3, NaN, -1],
        [Infinity, 7],
      ]),
      [-1, 7],
    );
    assert.deepEqual(extent([[0, -2, 0.5, 4]], true), [0.5, 4]);
    assert.equal(extent([[NaN]]), undefined);
  });

  test('pixels and values map back and forth on linear and log axes', () => {
    const lin: Axis = { min: -1, max: 3, log: false, from: 200, to: 10 };
    const log: Axis = { min: 0.01, max: 100, log: true, from: 0, to: 400 };
    assert.equal(toPixel(lin, -1), 200);
    assert.equal(toPixel(lin, 3), 10);
    assert.equal(toPixel(log, 1), 200, 'the middle decade of four is mid-axis');
    assert.ok(Number.isNaN(toPixel(log, 0)), 'a log axis cannot show 0');
    // Round trips: exact up to floating-point rounding of log10/pow (1e-12 relative).
    for (const v of [-0.75, 0, 1.3, 2.999]) assert.ok(Math.abs(fromPixel(lin, toPixel(lin, v)) - v) < 1e-12);
    for (const v of [0.02, 0.5, 7, 99]) assert.ok(Math.abs(fromPixel(log, toPixel(log, v)) / v - 1) < 1e-12);
  });

  test('tick labels: plain numbers, exponent form for tiny and huge magnitudes', () => {
    assert.equal(formatTick(0), '0');
    assert.equal(formatTick(0.2), '0.2');
    assert.equal(formatTick(1200), '1200');
    assert.equal(formatTick(1e-4), '1e-4');
    assert.equal(formatTick(2e6), '2e6');
  });
});

describe('plot series paths', () => {
  test('a straight line visits every finite point and skips gaps', () => {
    const { ctx, calls } = recorder();
    drawLine(ctx, { label: 'a', color: 'red', xs: [0, 5, 7, 10], ys: [0, NaN, 5, 10] }, frame);
    assert.deepEqual(calls, [
      ['moveTo', 0, 100],
      ['lineTo', 70, 50],
      ['lineTo', 100, 0],
    ]);
  });

  test('a stepped line changes level half-way between points and ends half a step past the last', () => {
    const { ctx, calls } = recorder();
    drawLine(ctx, { label: 'h', color: 'red', xs: [2, 4], ys: [1, 3], stepped: true }, frame);
    assert.deepEqual(calls, [
      ['moveTo', 20, 90],
      ['lineTo', 30, 90],
      ['lineTo', 30, 70],
      ['lineTo', 40, 70],
      ['lineTo', 50, 70],
    ]);
  });

  test('a filled line closes its area along the base line', () => {
    const { ctx, calls } = recorder();
    const line: PlotLine = {
      label: 'r',
      color: 'red',
      xs: [0, 10],
      ys: [4, 6],
      fill: { base: 2, color: 'blue' },
    };
    drawLine(ctx, line, frame);
    // Fill path (line, then down to y = 2 and back), then the stroke path.
    assert.deepEqual(calls.slice(0, 4), [
      ['moveTo', 0, 60],
      ['lineTo', 100, 40],
      ['lineTo', 100, 80],
      ['lineTo', 0, 80],
    ]);
    assert.equal(calls.length, 6);
  });

  test('the hover hit is the nearest visible, non-quiet point within the radius', () => {
    const a: PlotLine = { label: 'a', color: 'red', xs: [1, 2, 3], ys: [1, 2, 3] };
    const quiet: PlotLine = { label: 'q', color: 'red', xs: [5], ys: [5], quiet: true };
    const spec = { x: { title: 'x' }, y: { title: 'y' }, lines: [a, quiet] };
    assert.equal(nearestPoint(spec, frame, 21, 79, new Set())?.index, 1);
    assert.equal(nearestPoint(spec, frame, 50, 50, new Set()), undefined, 'quiet lines are not hit');
    assert.equal(nearestPoint(spec, frame, 21, 79, new Set(['a'])), undefined, 'hidden lines are not hit');
  });
});

describe('phase-plane window', () => {
  test('covers the points and the box, padded by 10 %, skipping NaN, never below variance 0', () => {
    const box = { mu: [-0.1, 0.1] as const, nu: [0.8, 1.5] as const };
    const b = planeBounds(
      [
        { x: 0.5, y: 2 },
        { x: NaN, y: Infinity },
        { x: -0.3, y: 0.1 },
      ],
      box,
    );
    // mu: [-0.3, 0.5] padded by 0.08; nu: [0.1, 2] padded by 0.19, clamped at 0. Float tolerance 1e-12.
    const close = (a: number, e: number): boolean => Math.abs(a - e) < 1e-12;
    assert.ok(close(b.mu[0], -0.38) && close(b.mu[1], 0.58), String(b.mu));
    assert.ok(close(b.nu[0], 0) && close(b.nu[1], 2.19), String(b.nu));
    assert.deepEqual(
      planeBounds([], box).mu.map((v) => Number(v.toFixed(6))),
      [-0.12, 0.12],
    );
  });
});
