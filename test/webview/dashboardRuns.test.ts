/**
 * The dashboard at many runs, in headless Chromium: 12 sweep runs (real statistics, test/webview/fixtures.ts) with
 * distinct colours that match between Curves, Layers and the sidebar, labels that differ for every pair, colour by a
 * key, Distributions with runs of different depths, probe runs' empty states, and an empty dashboard picking up a
 * run that starts. Checked on the drawn pixels where a chart is involved.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { choose, screenshot, useBrowser, waitSettled, watchProblems } from './harness';
import { probeSnapshot, sweepSidebar, sweepSnapshot, SWEEP_DEPTHS } from './fixtures';
import { colorAlongPath, mostly } from '../shared/pixels.mjs';

const fx = useBrowser();

async function open(
  name: string,
  messages: HostToWebview[],
  width = 1280,
): Promise<{ page: Page; problems: string[] }> {
  fx.server.addStream(name, messages);
  const page = await fx.browser.newPage({ viewport: { width, height: 1000 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('dashboard', name));
  await waitSettled(page, messages.length);
  return { page, problems };
}

async function showTab(page: Page, id: string, count = 1): Promise<void> {
  await page.click(`[role="tab"][data-tab="${id}"]`);
  await page.waitForFunction((tab) => window.__snnLab?.ui().tab === tab, id);
  await waitSettled(page, count);
}

describe('dashboard with a 12-run sweep', () => {
  test('12 distinct colours, drawn along each run path in Curves and Layers, the same as in the sidebar', async () => {
    const { page, problems } = await open('sweep12', [sweepSnapshot()]);
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    assert.equal(styles.length, 12);
    assert.equal(new Set(styles.map((s) => s.color)).size, 12, 'one colour per run');
    assert.equal(new Set(styles.map((s) => s.label)).size, 12, 'labels differ for every pair');
    assert.ok(
      styles.some((s) => s.label === 'depth=8 · relu · learningRate=0.01'),
      styles.map((s) => s.label).join(' | '),
    );
    for (const s of styles) {
      const curve = await colorAlongPath(page, 'curves:batch_loss', { label: s.label });
      assert.ok(mostly(curve, 0.5), `curves ${s.label}: ${curve.hits}/${curve.total} in ${s.color}`);
    }
    await screenshot(page, 'sweep-curves');
    await showTab(page, 'layers');
    for (const s of styles) {
      const line = await colorAlongPath(page, 'layers:variance', { run: s.runId });
      assert.ok(mostly(line, 0.5), `layers ${s.label}: ${line.hits}/${line.total}`);
    }
    await screenshot(page, 'sweep-layers');
    // The sidebar shows the same runs with the same colour slots (sent by the host): the same colours.
    fx.server.addStream('sweep12-sidebar', [sweepSidebar()]);
    const side = await fx.browser.newPage({ viewport: { width: 300, height: 900 } });
    await side.goto(fx.server.url('sidebar', 'sweep12-sidebar'));
    await side.waitForFunction(() => document.querySelectorAll('.run').length === 12);
    const sideColors = await side.$$eval('li.run', (lis) =>
      Object.fromEntries(
        lis.map((li) => [
          li.getAttribute('data-run-id'),
          (li.querySelector('.swatch') as HTMLElement).style.backgroundColor,
        ]),
      ),
    );
    const hex = (rgb: string): string =>
      `#${rgb
        .match(/\d+/g)!
        .slice(0, 3)
        .map((v) => Number(v).toString(16).padStart(2, '0'))
        .join('')}`;
    for (const s of styles) assert.equal(hex(sideColors[s.runId]!), s.color, `sidebar colour of ${s.label}`);
    await side.close();
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('colour by a key: one colour per depth with group headers, style by activation', async () => {
    const { page } = await open('sweep12-by', [sweepSnapshot()]);
    await choose(page, '#color-by', 'model.depth');
    await page.waitForFunction(() => window.__snnLab!.ui().colorBy === 'model.depth');
    await waitSettled(page, 1);
    await choose(page, '#style-by', 'model.activation');
    await page.waitForFunction(() => window.__snnLab!.ui().styleBy === 'model.activation');
    await waitSettled(page, 1);
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    const byDepth = new Map<string, Set<string>>();
    for (const s of styles) {
      const depth = /depth=(\d+)/.exec(s.name)![1]!;
      byDepth.set(depth, (byDepth.get(depth) ?? new Set()).add(s.color));
    }
    assert.equal(byDepth.size, SWEEP_DEPTHS.length);
    for (const colors of byDepth.values()) assert.equal(colors.size, 1, 'one colour per depth');
    assert.equal(new Set([...byDepth.values()].map((c) => [...c][0])).size, SWEEP_DEPTHS.length);
    const relu = styles.filter((s) => s.name.includes('relu'));
    const selu = styles.filter((s) => s.name.includes('selu'));
    assert.ok(relu.every((s) => s.dash.join() === relu[0]!.dash.join()));
    assert.notEqual(relu[0]!.dash.join(), selu[0]!.dash.join(), 'activation sets the dash pattern');
    const headers = await page.$$eval('.legend-group', (els) => els.map((e) => e.textContent));
    assert.deepEqual(
      headers,
      SWEEP_DEPTHS.map((d) => `depth=${d}`),
    );
    // A dashed run is still drawn in its group's colour along its path.
    const dashed = relu[0]!;
    assert.ok(mostly(await colorAlongPath(page, 'curves:batch_loss', { label: dashed.label }), 0.4));
    await screenshot(page, 'sweep-colour-by');
    await page.close();
  });

  test('legend filter narrows the charts to matching runs', async () => {
    const { page } = await open('sweep12-filter', [sweepSnapshot()]);
    await page.fill('.legend-filter', 'learningRate=0.03');
    await page.waitForFunction(
      () => (window.__snnLab!.charts()['curves:batch_loss']?.runs?.length ?? 0) === 4,
    );
    assert.match((await page.textContent('.legend-status')) ?? '', /4 of 12 runs shown/);
    await page.close();
  });

  test('Distributions with runs of different depths: only runs that have the layer are offered and counted', async () => {
    const { page, problems } = await open('sweep12-dist', [sweepSnapshot()]);
    await showTab(page, 'distributions');
    await choose(page, '#dist-layer', '6');
    await page.waitForFunction(() => window.__snnLab!.ui().layer === 6);
    await waitSettled(page, 1);
    const note = (await page.textContent('.tab-distributions .note')) ?? '';
    assert.match(note, /Layer 6: 6 of 12 compared runs have this layer \(6 are shallower\)/);
    const all = await page.evaluate(() => window.__snnLab!.charts());
    const bandCharts = Object.keys(all).filter((id) => id.startsWith('dist:bands:'));
    assert.equal(bandCharts.length, 6);
    assert.ok(
      bandCharts.every((id) => Number(id.slice(-2)) >= 6),
      'no depth-4 run among the band charts',
    );
    assert.equal(all['dist:overlay']?.runs?.length, 6);
    const option = await page.$$eval('#dist-layer option', (os) => os.map((o) => o.textContent));
    assert.equal(option[6], 'layer 6 (6 of 12 runs)');
    await screenshot(page, 'sweep-distributions');
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('dashboard with 48 compared runs', () => {
  test('the run table scrolls in a bounded box (the charts stay on the first screen) and holds every run in sort order', async () => {
    const base = sweepSnapshot();
    // Four repeats of the 12-run sweep: 48 distinct runs, more than the table builds with the first render.
    const runs = [0, 1, 2, 3].flatMap((r) =>
      base.runs.map((run) => {
        const copy = structuredClone(run);
        copy.info.runId = `${run.info.runId}-r${r}` as typeof run.info.runId;
        copy.info.name = `${run.info.name}#r${r}`;
        return copy;
      }),
    );
    const snapshot = {
      ...base,
      allRuns: runs.map((r) => r.info),
      selected: runs.map((r) => r.info.runId),
      runs,
    };
    const { page, problems } = await open('sweep48', [snapshot]);
    await page.waitForFunction(() => document.querySelectorAll('.runs tbody tr').length === 48);
    const layout = await page.evaluate(() => {
      const box = document.querySelector('.runs')!.getBoundingClientRect();
      const card = document.querySelector('[data-chart="curves:batch_loss"]')!.getBoundingClientRect();
      return { tableHeight: box.height, cardTop: card.top, viewport: window.innerHeight };
    });
    assert.ok(layout.tableHeight <= layout.viewport * 0.45 + 1, JSON.stringify(layout));
    assert.ok(
      layout.cardTop < layout.viewport,
      `the first chart starts on the first screen: ${JSON.stringify(layout)}`,
    );
    // Sorted by run label, every row (those built after the first paint too) is in order.
    await page.click('.runs thead button.sort:text-is("run")');
    await page.waitForFunction(() => document.querySelectorAll('.runs tbody tr').length === 48);
    await page.waitForTimeout(50);
    const shown = await page.$$eval('.runs tbody tr th.name', (cells) =>
      cells.map((c) => c.textContent ?? ''),
    );
    const labels = await page.evaluate(() => window.__snnLab!.styles().list.map((s) => s.label));
    assert.equal(new Set(shown).size, 48);
    assert.deepEqual(
      shown,
      [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('dashboard states', () => {
  test('probe runs: each panel says what is shown and why', async () => {
    const { page, problems } = await open('probe', [probeSnapshot()]);
    assert.match(
      (await page.textContent('.tab-curves .empty')) ?? '',
      /Probe runs record layer statistics at initialisation only/,
    );
    await showTab(page, 'layers');
    const gradEmpty = await page.textContent('[data-chart="layers:gradNorm"] .card-empty');
    assert.match(gradEmpty ?? '', /no gradients/);
    await choose(page, '#heatmap-kind', 'gradNorm');
    await waitSettled(page, 1);
    assert.match(
      (await page.textContent('[data-chart="layers:heatmap"] .card-empty')) ?? '',
      /probe run has no gradients/,
    );
    await showTab(page, 'distributions');
    assert.match(
      (await page.textContent('[data-chart^="dist:bands:"] .card-empty')) ?? '',
      /One reported step/,
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});
