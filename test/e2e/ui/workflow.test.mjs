// @ts-check
// UI tests in a real VS Code workbench (code-server + headless Chromium): a user opens an example, clicks the Run
// code lens, watches the sidebar and dashboard fill with live layer statistics, stops a run, opens the theory
// explorer. Each step saves a screenshot under test-artifacts/e2e/ (the README's and the listing's images are made
// by scripts/listing-images.mjs from the installed .vsix).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import jsonc from 'jsonc-parser';
import { openFile, poll, runCommand, screenshot } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { ARTIFACTS } from '../../../scripts/e2e/workbench.mjs';
import {
  clickLens,
  codeLens,
  dashboardFrame,
  openSidebar,
  sidebarFrame,
  useWorkbench,
} from '../workbenchSteps.mjs';

/** @typedef {import('playwright-core').Frame} Frame */
/** window.__snnLab of the dashboard webview (declares it on Window). */
/** @typedef {import('../../../webview/dashboard/testHook.ts').TestHook} TestHook */

/** Hidden layers of the MNIST comparison, read from the example so the test follows its edits. */
const MNIST_DEPTH = /** @type {{ model: { depth: number } }} */ (
  jsonc.parse(readFileSync(join(REPO_ROOT, 'examples', 'snn-vs-relu-bn-mnist.snn.json'), 'utf8'))
).model.depth;

/** Sidebar rows as { name, status } (read from the webview's DOM). @param {Frame} frame */
const sidebarRuns = (frame) =>
  frame.evaluate(() =>
    [...document.querySelectorAll('li.run')].map((li) => ({
      name: li.getAttribute('data-name') ?? '',
      status: li.querySelector('.badge')?.textContent?.trim(),
      meta: li.querySelector('.run-meta')?.textContent ?? '',
    })),
  );

/** Layer-statistics frames per run in the dashboard's state: { runName: [{ step, layers }] }. @param {Frame} frame */
const dashboardFrames = (frame) =>
  frame.evaluate(() => {
    const data = /** @type {TestHook} */ (window.__snnLab).data();
    return Object.fromEntries(
      Object.values(data.runs).map((r) => [
        r.info.name,
        r.frames.map((f) => ({ step: f.step, layers: f.layers.length })),
      ]),
    );
  });

describe('SNN Lab in the VS Code workbench', { timeout: 900_000 }, () => {
  const suite = useWorkbench({
    prepare: (ws) => {
      // A run that cannot finish before the user stops it (10,000 epochs of a small synthetic problem).
      const long = {
        name: 'long-moons',
        data: { source: 'synthetic', kind: 'moons', samples: 512 },
        model: { depth: 6, width: 32 },
        train: { epochs: 10000, batchSize: 32 },
      };
      writeFileSync(join(ws, 'long-moons.snn.json'), JSON.stringify(long, null, 2) + '\n');
    },
  });

  it(
    'opens an example and shows its Run code lens',
    suite.track('01-example', async () => {
      const { page } = suite.wb;
      await openFile(page, 'snn-vs-relu-bn-mnist.snn.json');
      await codeLens(page, 'Run').waitFor({ timeout: 60_000 });
      await screenshot(page, ARTIFACTS, '01-example-code-lens');
    }),
  );

  it(
    'Run fills the sidebar with both variants and the dashboard with their per-layer statistics',
    suite.track('02-run', async () => {
      const { page } = suite.wb;
      await openSidebar(page);
      await clickLens(page, /^\s*Run\s*$/);
      const sidebar = await sidebarFrame(page);
      const rows = await poll(
        async () => {
          const runs = await sidebarRuns(sidebar);
          return runs.length >= 2 && runs.some((r) => r.status === 'running') ? runs : undefined;
        },
        { timeout: 60_000, message: 'two runs in the sidebar, one running' },
      );
      const names = rows.map((r) => r.name).join(', ');
      // The example trains each variant 3 times (repeats: 3): names end in #r0..#r2.
      assert.ok(
        rows.some((r) => /\/SNN#r\d$/.test(r.name)) && rows.some((r) => /ReLU\+BN#r\d$/.test(r.name)),
        names,
      );
      await screenshot(page, ARTIFACTS, '02-sidebar-running');
      await poll(async () => (await sidebarRuns(sidebar)).every((r) => r.status === 'finished'), {
        timeout: 480_000,
        message: 'all six runs (2 variants x 3 repeats) finished in the sidebar',
      });
      await clickLens(page, 'Open dashboard');
      const dash = await dashboardFrame(page);
      const frames = await poll(
        async () => {
          const f = await dashboardFrames(dash);
          return Object.keys(f).length >= 2 && Object.values(f).every((x) => x.length > 0) ? f : undefined;
        },
        { message: 'layer statistics of both runs in the dashboard' },
      );
      // 2,000 MNIST samples, 10 epochs, stats every 20 steps: several frames, one entry per hidden layer each.
      for (const [name, list] of Object.entries(frames)) {
        assert.ok(list.length >= 3, `${name}: ${list.length} statistics frames`);
        assert.ok(
          list.every((f) => f.layers === MNIST_DEPTH),
          `${name}: one entry per hidden layer (depth ${MNIST_DEPTH})`,
        );
      }
      await dash.locator('[role="tab"][data-tab="layers"]').first().click();
      const charts = await poll(
        async () => {
          const c = await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).charts());
          return c['layers:variance']?.points.filter((n) => n === MNIST_DEPTH).length >= 2 ? c : undefined;
        },
        { message: 'the Layers tab: variance vs depth, one point per layer for each run' },
      );
      assert.ok(charts['layers:variance'].datasets >= 2);
      await runCommand(page, 'Notifications: Clear All Notifications');
      await page.waitForTimeout(800);
      await screenshot(page, ARTIFACTS, '03-dashboard-layers');
    }),
  );

  it(
    'the dashboard follows a running run live, and Stop in the sidebar stops it',
    suite.track('04-live-and-stop', async () => {
      const { page } = suite.wb;
      await openFile(page, 'long-moons.snn.json');
      await clickLens(page, /^\s*Run\s*$/);
      // Webview frames are looked up afresh for each use: VS Code may re-create a webview's iframe.
      const row = async () => (await sidebarFrame(page)).locator('li.run', { hasText: 'long-moons' }).first();
      const badge = async () =>
        (await row())
          .locator('.badge')
          .textContent()
          .then((t) => t?.trim());
      await poll(async () => (await badge()) === 'running', {
        timeout: 60_000,
        message: 'long-moons running',
      });
      await (await row()).locator('button.button', { hasText: 'Dashboard' }).click();
      const dash = await dashboardFrame(page);
      const count = async () => (await dashboardFrames(dash))['long-moons']?.length ?? 0;
      const before = await poll(count, { timeout: 60_000, message: 'first statistics of long-moons' });
      const later = await poll(async () => ((await count()) > before ? count() : undefined), {
        timeout: 60_000,
        message: 'more statistics arriving while long-moons trains',
      });
      assert.ok(later > before);
      await screenshot(page, ARTIFACTS, '04-dashboard-live');
      // One click, as a person would: the sidebar updates its rows in place, so the button stays put while
      // progress messages arrive.
      await (await row()).locator('button.button', { hasText: 'Stop' }).click();
      await poll(async () => (await badge()) === 'stopped', {
        timeout: 15_000,
        message: 'stopped after one click',
      });
      assert.equal(await badge(), 'stopped');
      assert.ok((await count()) >= later, 'statistics recorded before the stop stay in the dashboard');
      await screenshot(page, ARTIFACTS, '05-stopped');
    }),
  );

  it(
    'the theory explorer opens from the command palette and draws its charts',
    suite.track('06-theory', async () => {
      const { page } = suite.wb;
      await runCommand(page, 'SNN Lab: Open Theory Explorer');
      const dash = await dashboardFrame(page);
      await poll(
        async () =>
          (await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).ui().tab)) === 'theory',
        {
          message: 'the Theory explorer tab selected',
        },
      );
      const charts = await poll(
        async () => {
          const c = await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).charts());
          const theory = Object.entries(c).filter(
            ([id, s]) => id.startsWith('theory') && s.points.some((n) => n > 0),
          );
          return theory.length > 0 ? theory : undefined;
        },
        { message: 'a theory chart with data' },
      );
      assert.ok(charts.length > 0);
      await page.waitForTimeout(800);
      await screenshot(page, ARTIFACTS, '06-theory-explorer');
    }),
  );
});
