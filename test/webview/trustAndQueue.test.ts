/**
 * Headless-Chromium tests of what the sidebar and the dashboard header show in Restricted Mode (the host's note, no
 * Stop for a run the workspace's files claim is running), for a queued run (why it waits), with no runs (the same
 * text as the Runs view), and the step count of a stopped run (steps done, as the Runs tree counts them).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { NO_RUNS_TEXT } from '../../webview/sidebar/emptyState';
import { readStream, useBrowser, waitSettled, watchProblems } from './harness';

type SidebarSnapshot = Extract<HostToWebview, { type: 'sidebarSnapshot' }>;
type Snapshot = Extract<HostToWebview, { type: 'snapshot' }>;

const sidebarLast = readStream('snn-vs-relu.sidebar').at(-1) as SidebarSnapshot;
const dashboardLast = readStream('snn-vs-relu').at(-1) as Snapshot;
const NOTE = 'Restricted Mode: past runs, dashboards, problems and exports work; …';
const fx = useBrowser();

async function sidebar(name: string, message: SidebarSnapshot): Promise<{ page: Page; problems: string[] }> {
  fx.server.addStream(name, [message]);
  const page = await fx.browser.newPage({ viewport: { width: 300, height: 600 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('sidebar', name));
  await page.waitForFunction((n) => document.querySelectorAll('.run').length === n, message.runs.length);
  return { page, problems };
}

describe('Restricted Mode, queued runs and empty states in the webviews', () => {
  test('Restricted Mode: the sidebar says what works and offers no Stop, even for a "running" run', async () => {
    const message = structuredClone(sidebarLast);
    message.runs[0]!.info.status = 'running';
    message.restricted = NOTE;
    const { page, problems } = await sidebar('sidebar-restricted', message);
    assert.equal(await page.textContent('.restricted[role="note"]'), NOTE);
    assert.ok(await page.isVisible('.restricted'));
    assert.equal(await page.locator('button.button:has-text("Stop")').count(), 0);
    // Viewing and exporting stay available.
    assert.ok((await page.locator('button.button:has-text("Export")').count()) > 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('trusted: no note, and the running run has its Stop button', async () => {
    const message = structuredClone(sidebarLast);
    message.runs[0]!.info.status = 'running';
    const { page } = await sidebar('sidebar-trusted', message);
    assert.equal(await page.isVisible('.restricted'), false);
    assert.equal(await page.locator('button.button:has-text("Stop")').count(), 1);
    await page.close();
  });

  test('a queued run says why it waits instead of just its mode', async () => {
    const message = structuredClone(sidebarLast);
    const row = message.runs[0]!;
    row.info.status = 'queued';
    delete row.info.backend;
    row.detail = 'waiting for a free trainer (1 of 1 running; snnLab.maxConcurrentRuns)';
    const { page } = await sidebar('sidebar-queued', message);
    const meta = await page.textContent(`li[data-run-id="${row.info.runId}"] .run-meta`);
    assert.equal(meta, row.detail);
    await page.close();
  });

  test('no runs: the sidebar shows the Runs view text', async () => {
    fx.server.addStream('sidebar-empty', [{ ...sidebarLast, runs: [] }]);
    const page = await fx.browser.newPage({ viewport: { width: 300, height: 600 } });
    await page.goto(fx.server.url('sidebar', 'sidebar-empty'));
    await page.waitForSelector('.empty:not([hidden])');
    assert.equal(await page.textContent('.empty'), `${NO_RUNS_TEXT} with "SNN Lab: New Experiment…".`);
    await page.close();
  });

  test('dashboard header: a stopped run shows steps done; Restricted Mode hides Stop', async () => {
    const message = structuredClone(dashboardLast);
    const [a, b] = message.runs;
    a!.info.status = 'stopped';
    delete a!.info.summary;
    a!.info.step = 2;
    a!.info.totalSteps = 110;
    b!.info.status = 'running';
    delete b!.info.summary;
    message.restricted = NOTE;
    fx.server.addStream('dashboard-restricted', [message]);
    const page = await fx.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(fx.server.url('dashboard', 'dashboard-restricted'));
    await waitSettled(page, 1);
    const text = (await page.textContent('table.runs')) ?? '';
    assert.match(text, /3 \/ 110 steps/);
    assert.equal(await page.locator('table.runs button:has-text("Stop")').count(), 0);
    assert.equal(await page.locator('table.runs button:has-text("Export")').count(), 2, 'exporting stays');
    await page.click(`table.runs tr[data-run-id="${b!.info.runId}"] button:has-text("Export")`);
    const posted = await page.evaluate(() => window.__snnLabReplayTransport!.posted.at(-1));
    assert.deepEqual(posted, { type: 'exportRun', runId: b!.info.runId });
    await page.close();
  });
});
