/**
 * The legend's state survives a reload of the dashboard webview (VS Code reloads a hidden webview when it is shown
 * again, and after a window reload): hidden runs, the isolated run, the filter text and the colour-by/style-by
 * choice come back from the webview state, and the charts draw only what the legend says. The replay transport
 * keeps the state across page reloads the way VS Code does (webview/shared/transport.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { choose, useBrowser, waitSettled } from './harness';
import { sweepSnapshot } from './fixtures';
import { colorAlongPath, countColor, mostly } from '../shared/pixels.mjs';

const fx = useBrowser();
const CHART = 'curves:batch_loss';

async function open(name: string): Promise<Page> {
  fx.server.addStream(name, [sweepSnapshot()]);
  const page = await fx.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(fx.server.url('dashboard', name));
  await waitSettled(page, 1);
  return page;
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await waitSettled(page, 1);
}

const drawnRuns = (page: Page): Promise<string[]> =>
  page.evaluate((chart) => window.__snnLab!.charts()[chart]?.runs ?? [], CHART);

describe('legend state across a webview reload', () => {
  test('hidden runs, filter text and colour-by/style-by come back, and the charts follow them', async () => {
    const page = await open('legend-persist');
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    const hidden = styles.find((s) => s.name.includes('relu'))!;
    await page.uncheck(`.legend-item[data-run-id="${hidden.runId}"] input[type=checkbox]`);
    await page.fill('.legend-filter', 'relu');
    await choose(page, '#color-by', 'model.depth');
    await choose(page, '#style-by', 'train.learningRate');
    await page.waitForFunction(() => window.__snnLab!.ui().styleBy === 'train.learningRate');
    await waitSettled(page, 1);
    const before = await drawnRuns(page);
    const reluRuns = styles.filter((s) => s.name.includes('relu')).map((s) => s.runId);
    assert.deepEqual(
      [...before].sort(),
      reluRuns.filter((id) => id !== hidden.runId).sort(),
      'the filter keeps the relu runs, the checkbox hides one of them',
    );
    const stylesBefore = await page.evaluate(() =>
      window.__snnLab!.styles().list.map((s) => [s.runId, s.color]),
    );

    await reload(page);
    const ui = await page.evaluate(() => window.__snnLab!.ui());
    assert.equal(ui.colorBy, 'model.depth');
    assert.equal(ui.styleBy, 'train.learningRate');
    assert.deepEqual(ui.hiddenRuns, [hidden.runId]);
    assert.equal(await page.inputValue('.legend-filter'), 'relu');
    assert.equal(
      await page.isChecked(`.legend-item[data-run-id="${hidden.runId}"] input[type=checkbox]`),
      false,
    );
    assert.deepEqual(await drawnRuns(page), before, 'the same runs drawn after the reload');
    assert.deepEqual(
      await page.evaluate(() => window.__snnLab!.styles().list.map((s) => [s.runId, s.color])),
      stylesBefore,
      'colours grouped by depth as before',
    );
    assert.match((await page.textContent('.legend > summary')) ?? '', /by model\.depth/);
    await page.close();
  });

  test('an isolated run stays isolated: only its colour is drawn after the reload', async () => {
    const page = await open('legend-isolate');
    const styles = await page.evaluate(() => window.__snnLab!.styles().list);
    const picked = styles[5]!;
    await page.click(`.legend-item[data-run-id="${picked.runId}"] .legend-entry`);
    await page.mouse.move(0, 0);
    await waitSettled(page, 1);
    assert.deepEqual(await drawnRuns(page), [picked.runId]);

    await reload(page);
    assert.deepEqual(await drawnRuns(page), [picked.runId], 'still only the isolated run');
    assert.equal(
      await page.getAttribute(`.legend-item[data-run-id="${picked.runId}"] .legend-entry`, 'aria-pressed'),
      'true',
    );
    assert.match((await page.textContent('.legend-status')) ?? '', /1 of 12 runs shown \(one isolated/);
    assert.ok(mostly(await colorAlongPath(page, CHART, { label: picked.label }), 0.5), 'its curve is drawn');
    for (const other of styles.filter((s) => s.runId !== picked.runId)) {
      assert.equal(await countColor(page, CHART, other.color), 0, `${other.label} is not drawn`);
    }
    // A click on the isolated entry shows every run again, and that too is kept.
    await page.click(`.legend-item[data-run-id="${picked.runId}"] .legend-entry`);
    await page.mouse.move(0, 0);
    await waitSettled(page, 1);
    await reload(page);
    assert.equal((await drawnRuns(page)).length, 12);
    await page.close();
  });
});
