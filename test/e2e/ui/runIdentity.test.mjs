// @ts-check
// Run identity in a real VS Code workbench (code-server + headless Chromium), checked on what the user sees: an open
// dashboard with nothing compared picks up a run started with one click on Run; a 12-point sweep started the same
// way gets 12 distinct colours that match between the Curves and Layers charts (drawn pixels), the legend and the
// sidebar (DOM), 12 labels that differ for every pair, and the same colours after the dashboard is closed and
// reopened (its first snapshot then inside its HTML), the window reloaded and the dashboard opened again.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openFile, poll, runCommand, screenshot, waitForWorkbench } from '../../../scripts/e2e/browser.mjs';
import { colorAlongPath, hexOf, mostly } from '../../shared/pixels.mjs';
import { makeScratch } from '../../../scripts/e2e/server.mjs';
import { ARTIFACTS } from '../../../scripts/e2e/workbench.mjs';
import {
  clickLens,
  codeLens,
  dashboardFrame as dashboard,
  openSidebar,
  sidebarFrame as sidebar,
  useWorkbench,
} from '../workbenchSteps.mjs';

/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('../../../webview/dashboard/testHook.ts').TestHook} TestHook */

const SWEEP_RUNS = 12;
/** A 3 x 4 grid of small two-moons runs (a few seconds each): labels differ in depth and learning rate. */
const SWEEP = {
  name: 'sweep12',
  seed: 7,
  data: { source: 'synthetic', kind: 'moons', samples: 256, noise: 0.1 },
  model: { width: 16 },
  train: { epochs: 6, batchSize: 32 },
  stats: { everySteps: 4 },
  sweep: { 'model.depth': [2, 3, 4], 'train.learningRate': [0.003, 0.01, 0.03, 0.1] },
};
/** One run long enough (tens of seconds) to be seen while it starts. */
const PICKUP = {
  name: 'pickup-moons',
  data: { source: 'synthetic', kind: 'moons', samples: 512, noise: 0.1 },
  model: { depth: 3, width: 16 },
  train: { epochs: 40, batchSize: 32 },
};

/**
 * Sidebar rows: run id, full name, status, visible label and swatch colour ('#rrggbb').
 * @param {Frame} frame
 */
async function sidebarRows(frame) {
  const rows = await frame.evaluate(() =>
    [...document.querySelectorAll('li.run')].map((li) => ({
      runId: li.getAttribute('data-run-id') ?? '',
      name: li.getAttribute('data-name') ?? '',
      status: li.querySelector('.badge')?.textContent?.trim() ?? '',
      label: li.querySelector('.run-label')?.textContent ?? '',
      swatch: /** @type {HTMLElement | null} */ (li.querySelector('.swatch'))?.style.backgroundColor ?? '',
    })),
  );
  return rows.map((r) => ({ ...r, swatch: r.swatch ? hexOf(r.swatch) : '' }));
}

/** The dashboard's compared runs as drawn: run id, label, full name, colour. @param {Frame} frame */
const dashboardStyles = (frame) =>
  frame.evaluate(() =>
    /** @type {TestHook} */ (window.__snnLab)
      .styles()
      .list.map((s) => ({ runId: String(s.runId), label: s.label, name: s.name, color: s.color })),
  );

/**
 * Run ids a chart drew in its last paint (visible run lines).
 * @param {Frame} frame
 * @param {string} chart
 */
const chartRuns = (frame, chart) =>
  frame.evaluate((id) => {
    const hook = /** @type {TestHook} */ (window.__snnLab);
    return (hook.charts()[id]?.runs ?? []).map(String);
  }, chart);

/** Legend entries as the user sees them: run id, label text, swatch stroke colour. @param {Frame} frame */
const legendEntries = (frame) =>
  frame.evaluate(() =>
    [...document.querySelectorAll('.legend-item')].map((item) => ({
      runId: item.getAttribute('data-run-id') ?? '',
      label: item.querySelector('.legend-label')?.textContent ?? '',
      stroke: item.querySelector('.legend-swatch line')?.getAttribute('stroke') ?? '',
    })),
  );

/**
 * Isolates each run with a click on its legend entry, checks its colour along its path in `chart`, and clicks
 * again to show all runs. Isolating keeps other runs from covering the path (12 lines overlap where losses agree).
 * @param {Frame} frame
 * @param {string} chart
 * @param {{ runId: string, label: string, color: string }[]} styles
 * @param {(s: { runId: string, label: string }) => { label?: string, run?: string }} match
 */
async function eachRunDrawnInItsColour(frame, chart, styles, match) {
  for (const s of styles) {
    const entry = frame.locator(`.legend-item[data-run-id="${s.runId}"] .legend-entry`);
    await entry.click();
    await poll(
      async () => {
        const runs = await chartRuns(frame, chart);
        return runs.length === 1 && runs[0] === s.runId;
      },
      { timeout: 10_000, message: `${chart} showing only ${s.label}` },
    );
    const drawn = await colorAlongPath(frame, chart, match(s));
    assert.equal(hexOf(drawn.color), s.color, `${chart}: ${s.label} is painted in its legend colour`);
    assert.ok(
      mostly(drawn, 0.5),
      `${chart} ${s.label}: ${drawn.hits}/${drawn.total} path points in ${s.color}`,
    );
    await entry.click();
  }
}

describe('run identity in the VS Code workbench', { timeout: 900_000 }, () => {
  /** Colour of each sweep run before the reload. @type {Map<string, string>} */
  const colorsBefore = new Map();

  const suite = useWorkbench({
    prepare: (ws) => {
      writeFileSync(join(ws, 'sweep12.snn.json'), JSON.stringify(SWEEP, null, 2) + '\n');
      writeFileSync(join(ws, 'pickup-moons.snn.json'), JSON.stringify(PICKUP, null, 2) + '\n');
      // Two trainers at a time so the sweep takes about half as long.
      const scratch = makeScratch({ settings: { 'snnLab.maxConcurrentRuns': 2 } });
      return { scratch };
    },
  });

  it(
    'an open dashboard with nothing compared shows a run as soon as Run is clicked',
    suite.track('identity-01-pickup', async () => {
      const { page } = suite.wb;
      await openSidebar(page);
      await openFile(page, 'pickup-moons.snn.json');
      // The extension activates on the workspace's experiment files; its lenses show once it has.
      await codeLens(page, 'Run').waitFor({ timeout: 60_000 });
      // The experiment file on the left, the dashboard on the right: both in view, as one works with them.
      await runCommand(page, 'View: Split Editor Right');
      await runCommand(page, 'SNN Lab: Open Dashboard');
      let dash = await dashboard(page);
      const empty = dash.locator('p.empty[role="status"]').first();
      await poll(async () => /No runs compared/.test((await empty.textContent()) ?? ''), {
        message: 'the empty dashboard saying no runs are compared',
      });
      assert.equal(
        await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).data().selected.length),
        0,
      );
      await screenshot(page, ARTIFACTS, 'identity-01-empty-dashboard');
      await clickLens(page, /^\s*Run\s*$/);
      const drawn = await poll(
        async () => {
          dash = await dashboard(page);
          return dash.evaluate(() => {
            const hook = /** @type {TestHook} */ (window.__snnLab);
            const run = Object.values(hook.data().runs).find((r) => r.info.name === 'pickup-moons');
            const path = hook.charts()['curves:batch_loss']?.paths?.find((p) => p.run === run?.info.runId);
            return run && path && path.pixels.length >= 2 ? { runId: String(run.info.runId) } : undefined;
          });
        },
        { timeout: 120_000, message: 'the new run compared and its training loss drawn in Curves' },
      );
      assert.equal(await empty.isVisible(), false, 'the empty message is gone');
      const [style] = await dashboardStyles(dash);
      assert.ok(style, 'the picked-up run has a style');
      assert.equal(style.runId, drawn.runId);
      // The smoothed line carries the run's label (the faint raw line behind it is "<label> (raw)").
      const painted = await colorAlongPath(dash, 'curves:batch_loss', {
        run: drawn.runId,
        label: style.label,
      });
      assert.ok(mostly(painted, 0.5), `the loss curve in its colour: ${painted.hits}/${painted.total}`);
      await screenshot(page, ARTIFACTS, 'identity-02-picked-up');
      const side = await sidebar(page);
      await poll(
        async () => (await sidebarRows(side)).find((r) => r.runId === drawn.runId)?.status === 'finished',
        { timeout: 240_000, message: 'pickup-moons finished in the sidebar' },
      );
    }),
  );

  it(
    'a 12-run sweep: distinct colours matching in Curves, Layers, legend and sidebar, distinct labels',
    suite.track('identity-03-sweep', async () => {
      const { page } = suite.wb;
      await runCommand(page, 'View: Focus First Editor Group');
      await openFile(page, 'sweep12.snn.json');
      // "Run" trains the base point; the whole 3 x 4 grid is the study lens.
      await clickLens(page, `Run study (${SWEEP_RUNS} runs)`);
      const side = await sidebar(page);
      const rows = await poll(
        async () => {
          const all = (await sidebarRows(side)).filter((r) => r.name.startsWith('sweep12/'));
          return all.length === SWEEP_RUNS && all.every((r) => r.status === 'finished') ? all : undefined;
        },
        { timeout: 480_000, message: `${SWEEP_RUNS} sweep runs finished in the sidebar` },
      );
      assert.equal(
        new Set(rows.map((r) => r.label)).size,
        SWEEP_RUNS,
        'sidebar labels differ for every pair',
      );
      await clickLens(page, 'Open dashboard');
      let dash = await dashboard(page);
      const styles = await poll(
        async () => {
          dash = await dashboard(page);
          const list = await dashboardStyles(dash);
          const ready = (await chartRuns(dash, 'curves:batch_loss')).length === SWEEP_RUNS;
          return list.length === SWEEP_RUNS && list.every((s) => s.name.startsWith('sweep12/')) && ready
            ? list
            : undefined;
        },
        { timeout: 60_000, message: 'the dashboard comparing the 12 sweep runs' },
      );
      assert.equal(new Set(styles.map((s) => s.color)).size, SWEEP_RUNS, 'one colour per run');
      assert.equal(
        new Set(styles.map((s) => s.label)).size,
        SWEEP_RUNS,
        'dashboard labels differ for every pair',
      );
      const legend = await legendEntries(dash);
      assert.deepEqual(
        legend.map((e) => [e.runId, e.label, e.stroke]),
        styles.map((s) => [s.runId, s.label, s.color]),
        'the legend shows each run with its label and colour',
      );
      const bySidebar = new Map(rows.map((r) => [r.runId, r]));
      for (const s of styles) {
        assert.equal(bySidebar.get(s.runId)?.swatch, s.color, `sidebar swatch of ${s.label}`);
        colorsBefore.set(s.runId, s.color);
      }
      await eachRunDrawnInItsColour(dash, 'curves:batch_loss', styles, (s) => ({
        run: s.runId,
        label: s.label,
      }));
      await screenshot(page, ARTIFACTS, 'identity-03-sweep-curves');
      await dash.locator('[role="tab"][data-tab="layers"]').first().click();
      await poll(async () => (await chartRuns(dash, 'layers:variance')).length === SWEEP_RUNS, {
        message: 'the Layers tab drawing variance vs depth for the 12 runs',
      });
      await eachRunDrawnInItsColour(dash, 'layers:variance', styles, (s) => ({ run: s.runId }));
      await screenshot(page, ARTIFACTS, 'identity-04-sweep-layers');
    }),
  );

  it(
    'a run hidden in the legend stays hidden when the dashboard tab is put in the background and shown again',
    suite.track('identity-05-legend-state', async () => {
      const { page } = suite.wb;
      let dash = await dashboard(page);
      const [first] = await dashboardStyles(dash);
      assert.ok(first, 'the dashboard compares runs');
      await dash.locator(`.legend-item[data-run-id="${first.runId}"] input[type=checkbox]`).uncheck();
      await poll(async () => (await chartRuns(dash, 'layers:variance')).length === SWEEP_RUNS - 1, {
        message: 'the Layers chart without the hidden run',
      });
      // A mark on this page: a page that has it after the round trip was never reloaded.
      await dash.evaluate(() => document.body.setAttribute('data-before-hide', '1'));
      // Another editor of the dashboard's group in front: VS Code discards the hidden webview's page (no
      // retainContextWhenHidden) and loads it afresh when the tab is shown again.
      await page.locator('.tabs-container .tab', { hasText: 'pickup-moons.snn.json' }).last().click();
      await page.locator('.tabs-container .tab', { hasText: 'SNN Lab Dashboard' }).first().click();
      const drawn = await poll(
        async () => {
          dash = await dashboard(page);
          const runs = await chartRuns(dash, 'layers:variance');
          return runs.length > 0 ? runs : undefined;
        },
        { message: 'the dashboard shown again, on the Layers tab' },
      );
      assert.equal(
        await dash.evaluate(() => document.body.getAttribute('data-before-hide')),
        null,
        'the dashboard page was loaded afresh',
      );
      assert.equal(drawn.length, SWEEP_RUNS - 1);
      assert.ok(!drawn.includes(first.runId), `${first.label} still hidden`);
      const box = dash.locator(`.legend-item[data-run-id="${first.runId}"] input[type=checkbox]`);
      assert.equal(await box.isChecked(), false, 'its legend checkbox still unchecked');
      await box.check();
      await poll(async () => (await chartRuns(dash, 'layers:variance')).length === SWEEP_RUNS, {
        message: 'all 12 runs drawn again',
      });
    }),
  );

  it(
    'the 12 colours stay the same after the dashboard is closed, the window reloaded and the dashboard reopened',
    suite.track('identity-05-reload', async () => {
      assert.equal(colorsBefore.size, SWEEP_RUNS, 'the sweep test recorded the colours');
      const { page } = suite.wb;
      const tab = page.locator('.tabs-container .tab', { hasText: 'SNN Lab Dashboard' }).first();
      await tab.click();
      await runCommand(page, 'View: Close Editor');
      await tab.waitFor({ state: 'detached', timeout: 15_000 });
      // Reopened in the same window, the host has the runs cached: the first snapshot comes inside the page's HTML
      // (on the tab last shown, Layers).
      await runCommand(page, 'SNN Lab: Open Dashboard');
      const reopened = await poll(
        async () => {
          const frame = await dashboard(page);
          const fromHtml = await frame.evaluate(
            () => /** @type {TestHook} */ (window.__snnLab)?.firstFromHtml,
          );
          const drawn = await chartRuns(frame, 'layers:variance');
          return fromHtml !== undefined && drawn.length === SWEEP_RUNS ? frame : undefined;
        },
        {
          timeout: 60_000,
          message: 'the reopened dashboard drawing the 12 runs from the snapshot in its HTML',
        },
      );
      const again = await dashboardStyles(reopened);
      for (const s of again) {
        assert.equal(s.color, colorsBefore.get(s.runId), `colour of ${s.label} reopened`);
      }
      await eachRunDrawnInItsColour(reopened, 'layers:variance', again, (s) => ({ run: s.runId }));
      await screenshot(page, ARTIFACTS, 'identity-05-reopened');
      await tab.click();
      await runCommand(page, 'View: Close Editor');
      await tab.waitFor({ state: 'detached', timeout: 15_000 });
      // Reload Window as a person would: the workbench saves its editor state on the way out (a bare page reload
      // right after the close may restore the closed dashboard from an older saved layout).
      await Promise.all([
        page.waitForEvent('load', { timeout: 60_000 }),
        runCommand(page, 'Developer: Reload Window'),
      ]);
      await waitForWorkbench(page);
      await page.waitForTimeout(2000);
      // The reloaded window may restore the SNN Lab side bar open, and clicking its icon then would close it: the
      // view container's "Show" command opens it either way.
      await runCommand(page, 'View: Show SNN Lab');
      assert.equal(
        await page.locator('.tabs-container .tab', { hasText: 'SNN Lab Dashboard' }).count(),
        0,
        'the closed dashboard is not restored',
      );
      await openFile(page, 'sweep12.snn.json');
      await clickLens(page, 'Open dashboard');
      let dash = await dashboard(page);
      const styles = await poll(
        async () => {
          dash = await dashboard(page);
          const list = await dashboardStyles(dash);
          const drawn = await chartRuns(dash, 'curves:batch_loss');
          return list.length === SWEEP_RUNS && drawn.length === SWEEP_RUNS ? list : undefined;
        },
        { timeout: 60_000, message: 'the reopened dashboard drawing the 12 sweep runs' },
      );
      for (const s of styles) {
        assert.equal(s.color, colorsBefore.get(s.runId), `colour of ${s.label} after reload`);
      }
      // The sidebar after the reload: the same 12 rows in the same colours, and each run drawn in its colour.
      const side = await sidebar(page);
      const rows = await poll(
        async () => {
          const all = (await sidebarRows(side)).filter((r) => r.name.startsWith('sweep12/'));
          return all.length === SWEEP_RUNS && all.every((r) => r.swatch) ? all : undefined;
        },
        { message: 'the sweep runs in the sidebar after the reload' },
      );
      for (const r of rows) assert.equal(r.swatch, colorsBefore.get(r.runId), `sidebar colour of ${r.label}`);
      await eachRunDrawnInItsColour(dash, 'curves:batch_loss', styles, (s) => ({
        run: s.runId,
        label: s.label,
      }));
      await screenshot(page, ARTIFACTS, 'identity-05-after-reload');
    }),
  );
});
