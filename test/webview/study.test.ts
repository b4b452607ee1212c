/**
 * The Study tab and the Curves/Layers "aggregate repeats/folds" views in headless Chromium on a REAL recorded study
 * (test/fixtures/streams/study.jsonl: SNN vs ReLU x depth 2, 6 x 3 repeats; scripts/record-study-fixture.mjs). The
 * expected numbers are computed here from the recorded runs by src/core/study and formatted by its formatters, so
 * a cell that differs from `snn-lab study` by one digit fails; charts are checked by the pixels they painted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { delongPairs, type TestScoresResult } from '../../src/core/study/delongPairs';
import { formatCount, formatInterval, formatP, formatStat } from '../../src/core/study/format';
import type { HostToWebview } from '../../src/protocol/webview';
import { comparePicked, comparePicks, testRows } from '../../webview/dashboard/study/compareModel';
import { studyView } from '../../webview/dashboard/study/studyModel';
import { defaultStudyUi } from '../../webview/dashboard/study/studyUi';
import { decodeStudy } from '../../webview/shared/studyData';
import { readStream, screenshot, useBrowser, waitSettled, watchProblems } from './harness';
import { colorAlongPath, colorAtPoints, mostly } from '../shared/pixels.mjs';

const STREAM = 'study';
const messages = readStream(STREAM);
const answer = messages.find((m) => m.type === 'study') as Extract<HostToWebview, { type: 'study' }>;
const recorded = messages.find((m) => m.type === 'predictions') as Extract<
  HostToWebview,
  { type: 'predictions' }
>;
const snapshot = messages.find((m) => m.type === 'snapshot') as Extract<HostToWebview, { type: 'snapshot' }>;
const study = decodeStudy(answer);
const view = studyView(study, defaultStudyUi);
/** Messages the page receives before it asks for anything (the answers are held back until requested). */
const UNASKED = messages.filter((m) => m.type !== 'study' && m.type !== 'predictions').length;

const fx = useBrowser();

async function open(): Promise<{ page: Page; problems: string[] }> {
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('dashboard', STREAM));
  await waitSettled(page, UNASKED);
  return { page, problems };
}

async function showStudy(page: Page): Promise<void> {
  await page.click('[role="tab"][data-tab="study"]');
  await page.waitForFunction(() => (window.__snnLab?.study()?.rows.length ?? 0) > 0);
  await settle(page);
}

/** Every received message rendered, and one more frame painted. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__snnLab!.settled());
  await page.evaluate(() => new Promise<void>((ok) => requestAnimationFrame(() => ok())));
}

/** Sets a select's value as a pick would (keyboard picking is tested once, below). */
async function pick(page: Page, id: string, value: string): Promise<void> {
  await page.evaluate(
    ({ id, value }) => {
      const sel = document.getElementById(id) as HTMLElement & { value: string };
      sel.value = value;
      sel.dispatchEvent(new Event('change'));
    },
    { id, value },
  );
  await settle(page);
}

const probe = (page: Page) => page.evaluate(() => window.__snnLab!.study()!);

describe('Study tab (replayed real study)', () => {
  test('the table: one row per group, every cell as src/core/study computes and formats it', async () => {
    const { page, problems } = await open();
    await showStudy(page);
    const posted = await page.evaluate(() => window.__snnLabReplayTransport!.posted.map((m) => m.type));
    assert.ok(posted.includes('requestStudy'), posted.join(','));
    const table = await page.evaluate(() => ({
      caption: document.querySelector('#study-table caption')?.textContent ?? '',
      head: [...document.querySelectorAll('#study-table thead th')].map((th) => [
        th.getAttribute('scope'),
        th.textContent?.trim(),
      ]),
      rows: [...document.querySelectorAll('#study-table tbody tr')].map((tr) => ({
        header: [tr.querySelector('th')?.getAttribute('scope'), tr.querySelector('th')?.textContent],
        runs: tr.querySelector('td')?.textContent,
        cells: [...tr.querySelectorAll('td[data-metric]')].map((td) => ({
          metric: (td as HTMLElement).dataset.metric,
          value: td.querySelector('.value')?.textContent,
          n: td.querySelector('.n')?.textContent,
          title: (td as HTMLElement).title,
        })),
      })),
    }));
    assert.match(table.caption, /mean ± sample std/);
    assert.deepEqual(
      table.head,
      ['Group', 'Runs', ...view.metrics].map((h) => ['col', h]),
    );
    assert.equal(table.rows.length, view.summaries.length);
    view.summaries.forEach((g, i) => {
      const row = table.rows[i]!;
      assert.deepEqual(row.header, ['row', g.label]);
      assert.equal(row.runs, String(g.runs));
      view.metrics.forEach((metric, k) => {
        const s = g.metrics[metric]!;
        const cell = row.cells[k]!;
        assert.equal(cell.metric, metric);
        assert.equal(cell.value, `${formatStat(s.mean)} ± ${formatStat(s.std)}`, `${g.label} ${metric}`);
        assert.equal(cell.n, ` n = ${formatCount(s, g.runs)}`);
        assert.match(cell.title, new RegExp(`95 % CI ${formatInterval(s).replace(/[[\]]/g, '\\$&')}`));
      });
    });
    await page.click('#study-ci');
    await settle(page);
    const intervals = await page.$$eval('#study-table td .ci', (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(
      intervals,
      view.summaries.flatMap((g) => view.metrics.map((m) => formatInterval(g.metrics[m]!))),
    );
    await screenshot(page, 'study-table');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('sorting: a header button (mouse or keyboard) orders rows by the mean, again reverses; aria-sort follows', async () => {
    const { page } = await open();
    await showStudy(page);
    const order = () => page.$$eval('#study-table tbody th', (ths) => ths.map((th) => th.textContent));
    const sortState = () =>
      page.$eval('#study-sort-test_auc', (b) => b.closest('th')?.getAttribute('aria-sort') ?? '');
    const byAuc = [...view.summaries].sort((a, b) => a.metrics.test_auc!.mean - b.metrics.test_auc!.mean);
    await page.click('#study-sort-test_auc');
    await settle(page);
    assert.deepEqual(
      await order(),
      byAuc.map((g) => g.label),
    );
    assert.equal(await sortState(), 'ascending');
    // The table is rebuilt on each sort: focus stays on the pressed header, so Enter sorts again.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'study-sort-test_auc');
    await page.keyboard.press('Enter');
    await settle(page);
    assert.deepEqual(
      await order(),
      [...byAuc].reverse().map((g) => g.label),
    );
    assert.equal(await sortState(), 'descending');
    await page.close();
  });

  test('metric vs key: group means with ± std bars, painted where the model says; CI bars (picked by keyboard) are longer', async () => {
    const { page, problems } = await open();
    await showStudy(page);
    const before = await probe(page);
    const plot = before.plot!;
    assert.deepEqual(
      [plot.metric, plot.x, plot.line, plot.bars],
      ['test_accuracy', 'model.depth', 'variant', 'std'],
    );
    for (const line of plot.lines) {
      for (const p of line.points) {
        const group = view.summaries.find(
          (g) => g.values.variant === line.label && g.values['model.depth'] === p.x,
        )!;
        assert.deepEqual(p.summary, group.metrics.test_accuracy, `${line.label} at ${p.x}`);
        assert.equal(p.upper, p.summary.mean + p.summary.std);
      }
    }
    const chart = 'study:metricVsKey';
    const lines = await colorAlongPath(page, chart, { label: 'variant=SNN' });
    assert.ok(mostly(lines), `SNN line: ${lines.hits}/${lines.total}`);
    const bars = before.bars;
    assert.equal(bars.length, 4);
    for (const b of bars) {
      assert.ok(b.y - b.top > 8, `bar above ${b.label} is ${b.y - b.top} px`);
      // The marker, the middle of each half-bar and both caps carry the line's colour.
      const marks: [number, number][] = [
        [b.x, b.y],
        [b.x, (b.y + b.top) / 2],
        [b.x, (b.y + b.bottom) / 2],
        [b.x + 3, b.top],
        [b.x - 3, b.bottom],
      ];
      assert.equal(await colorAtPoints(page, chart, marks, b.color), marks.length, `${b.label} at x ${b.x}`);
      // Beyond the bar's end (by 4 px) there is no bar.
      assert.equal(await colorAtPoints(page, chart, [[b.x, b.top - 5]], b.color, { radius: 0 }), 0);
    }
    // Keyboard: ArrowDown on the focused error-bar picker (a native select) picks the next choice, "95 % CI".
    await page.focus('#study-plot-bars');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => window.__snnLab!.ui().study.errorBars === 'ci');
    await settle(page);
    const after = await probe(page);
    const points = after.plot!.lines.flatMap((l) => l.points);
    // The y scale of this paint (px per unit) from the two markers farthest apart: the axis rescales to fit the
    // longer bars, so bar lengths are compared in data units.
    const [lo, hi] = [...after.bars.keys()].reduce<[number, number]>(
      ([a, b], i) => [
        after.bars[i]!.y > after.bars[a]!.y ? i : a,
        after.bars[i]!.y < after.bars[b]!.y ? i : b,
      ],
      [0, 0],
    );
    const scale =
      (after.bars[lo]!.y - after.bars[hi]!.y) / (points[hi]!.summary.mean - points[lo]!.summary.mean);
    assert.ok(scale > 10, `${scale} px per unit`);
    for (const [i, b] of after.bars.entries()) {
      const p = points[i]!;
      assert.equal(p.upper, p.summary.ciHigh);
      // In data units the t interval of 3 values is t(0.975, 2)/sqrt(3) = 2.484 std wide on each side.
      const half = p.summary.ciHigh - p.summary.mean;
      assert.ok(Math.abs(half / p.summary.std - 2.484) < 1e-3, `${half} vs std ${p.summary.std}`);
      // Painted that long (both lengths come from the same axis; 1.5 px of slack for pixel snapping).
      assert.ok(
        Math.abs(b.y - b.top - half * scale) <= 1.5,
        `${b.label}: ${b.y - b.top} px, ${half * scale}`,
      );
      assert.equal(
        await colorAtPoints(
          page,
          chart,
          [
            [b.x, b.top + 2],
            [b.x + 3, b.top],
          ],
          b.color,
        ),
        2,
      );
    }
    await screenshot(page, 'study-plot');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('paired comparison: the tests and per-unit differences of core/study; DeLong on request equals the recorded predictions', async () => {
    const { page, problems } = await open();
    await showStudy(page);
    await pick(page, 'study-compare-metric', 'test_auc');
    const picks = comparePicks(view.groups, view.allMetrics, view.metrics[0], {
      ...defaultStudyUi,
      compareMetric: 'test_auc',
    });
    const c = comparePicked(picks, 'pratt')!;
    const shown = await page.evaluate(() => ({
      tests: [...document.querySelectorAll('.study-tests tbody tr')].map((tr) =>
        [...tr.children].map((td) => td.textContent),
      ),
      pairs: [...document.querySelectorAll('.study-pairs tbody tr')].map((tr) =>
        [...tr.children].map((td) => td.textContent),
      ),
    }));
    assert.deepEqual(shown.tests, testRows(c));
    assert.deepEqual(
      shown.pairs,
      c.pairs.map((p) => [p.unit, formatStat(p.a), formatStat(p.b), formatStat(p.difference)]),
    );
    // The differences chart: one marker per unit, in the series colour.
    const diff = (await probe(page)).differences;
    assert.equal(diff.length, c.pairs.length);
    assert.equal(
      await colorAtPoints(
        page,
        'study:differences',
        diff.map((d) => [d.x, d.y]),
        diff[0]!.color,
      ),
      diff.length,
    );
    // DeLong needs the predictions: asked for only when the button is pressed.
    const asked = () =>
      page.evaluate(
        () => window.__snnLabReplayTransport!.posted.filter((m) => m.type === 'requestPredictions').length,
      );
    assert.equal(await asked(), 0);
    await page.click('#study-delong');
    await page.waitForFunction(() => (window.__snnLab!.study()?.delong?.length ?? 0) > 0);
    await settle(page);
    assert.equal(await asked(), 1);
    const lookup = new Map<string, TestScoresResult>(
      recorded.runs.map((r) => [
        r.runId,
        r.scores ? { ok: true, scores: r.scores } : { ok: false, note: r.note! },
      ]),
    );
    const expected = delongPairs(c, (id) => lookup.get(id));
    assert.equal(expected.length, 3);
    assert.ok(expected.every((d) => d.result !== undefined));
    assert.deepEqual((await probe(page)).delong, expected);
    const rows = await page.$$eval('.study-tests tbody tr', (trs) =>
      trs.map((tr) => [...tr.children].map((td) => td.textContent)),
    );
    assert.deepEqual(rows, testRows(c, expected));
    assert.ok(rows.some((r) => r[0] === 'DeLong (repeat=0)' && r[3] === formatP(expected[0]!.result!.p)));
    await screenshot(page, 'study-compare');
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('aggregate repeats/folds (replayed real study)', () => {
  const group = (variant: string, depth: number) =>
    snapshot.runs.filter(
      (r) => r.info.study?.variant === variant && r.info.study?.sweepPoint['model.depth'] === depth,
    );

  test('Curves: one mean line per group with its ± std band, instead of every run', async () => {
    const { page, problems } = await open();
    const runsBefore = (await page.evaluate(() => window.__snnLab!.charts()['curves:val_loss']!)).runs ?? [];
    assert.equal(runsBefore.length, 12);
    await page.evaluate(() => {
      const s = document.getElementById('smoothing') as HTMLInputElement;
      s.value = '0';
      s.dispatchEvent(new Event('input'));
    });
    await page.click('#curves-aggregate');
    await page.waitForFunction(() => window.__snnLab!.ui().aggregateCurves);
    await settle(page);
    const chart = await page.evaluate(() => window.__snnLab!.charts()['curves:val_loss']!);
    assert.deepEqual(chart.runs, [], 'no run lines');
    assert.deepEqual(chart.labels, [
      'SNN/model.depth=2 (n=3)',
      'SNN/model.depth=6 (n=3)',
      'ReLU/model.depth=2 (n=3)',
      'ReLU/model.depth=6 (n=3)',
    ]);
    assert.equal(chart.bands, 4);
    // The last drawn mean (the chart's data table) is the plain mean of the group's last val_loss values.
    await page.click('[data-chart="curves:val_loss"] .chart-data summary');
    const last = await page.$$eval('[data-chart="curves:val_loss"] .data-table tbody tr', (trs) =>
      // "<last> at <x>", the last value to 4 significant digits: within 5e-4 relative.
      trs.map((tr) => Number.parseFloat(tr.children[3]?.textContent ?? '')),
    );
    const expected = [group('SNN', 2), group('SNN', 6), group('ReLU', 2), group('ReLU', 6)].map(
      (runs) => runs.reduce((a, r) => a + r.curves.val_loss!.value.at(-1)!, 0) / runs.length,
    );
    last.forEach((v, i) =>
      assert.ok(Math.abs(v - expected[i]!) <= 5e-4 * Math.abs(expected[i]!), `${v} vs ${expected[i]}`),
    );
    for (const label of chart.labels) {
      const along = await colorAlongPath(page, 'curves:val_loss', { label });
      assert.ok(mostly(along, 0.5), `${label}: ${along.hits}/${along.total}`);
    }
    // Inside each band (half-way between its edges) the band's colour shows, at its low opacity.
    for (const area of chart.areas ?? []) {
      const inside = area.pixels
        .filter(([, top, bottom]) => bottom - top >= 6)
        .map(([x, top, bottom]) => [x, (top + bottom) / 2] as [number, number]);
      if (inside.length === 0) continue;
      const solid = area.color.replace(/rgba\((\d+), (\d+), (\d+), [\d.]+\)/, 'rgb($1, $2, $3)');
      const hits = await colorAtPoints(page, 'curves:val_loss', inside, solid, {
        radius: 0,
        tolerance: 90,
        minAlpha: 20,
      });
      assert.ok(hits >= inside.length / 2, `band ${area.color}: ${hits}/${inside.length}`);
    }
    await screenshot(page, 'curves-aggregate');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('Layers: statistics vs depth as group means over the repeats with ± std bands', async () => {
    const { page, problems } = await open();
    await page.click('[role="tab"][data-tab="layers"]');
    await page.waitForFunction(() => window.__snnLab!.ui().tab === 'layers');
    await page.click('#layers-aggregate');
    await page.waitForFunction(() => window.__snnLab!.ui().aggregateLayers);
    await settle(page);
    const chart = await page.evaluate(() => window.__snnLab!.charts()['layers:variance']!);
    assert.equal(chart.datasets, 4);
    assert.equal(chart.bands, 4);
    assert.deepEqual(chart.runs, []);
    assert.deepEqual(chart.points, [2, 6, 2, 6], 'one point per hidden layer of each depth');
    await page.click('[data-chart="layers:variance"] .chart-data summary');
    const last = await page.$$eval('[data-chart="layers:variance"] .data-table tbody tr', (trs) =>
      // "<last> at <x>", the last value to 4 significant digits: within 5e-4 relative.
      trs.map((tr) => Number.parseFloat(tr.children[3]?.textContent ?? '')),
    );
    // Last layer at the last step: the mean over the three repeats of their post-activation variance.
    const [decode] = [(await import('../../src/protocol/frameCodec')).decodeFrame];
    const expected = [group('SNN', 2), group('SNN', 6), group('ReLU', 2), group('ReLU', 6)].map((runs) => {
      const values = runs.map((r) => decode(r.frames.at(-1)!).layers.at(-1)!.post.variance);
      return values.reduce((a, b) => a + b, 0) / values.length;
    });
    last.forEach((v, i) =>
      assert.ok(Math.abs(v - expected[i]!) <= 5e-4 * expected[i]!, `${v} vs ${expected[i]}`),
    );
    for (const label of chart.labels) {
      const along = await colorAlongPath(page, 'layers:variance', { label });
      assert.ok(mostly(along, 0.5), `${label}: ${along.hits}/${along.total}`);
    }
    await screenshot(page, 'layers-aggregate');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
