/**
 * Headless-Chromium tests of the sidebar webview (dist/webview/sidebar.js) under the extension's CSP, replaying the
 * sidebar stream recorded with the dashboard one (scripts/record-fixture.mjs): rows, sparklines, action messages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview, SidebarRun } from '../../src/protocol/webview';
import { readStream, screenshot, watchProblems, useBrowser } from './harness';

const STREAM = 'snn-vs-relu.sidebar';
const messages = readStream(STREAM);
const last = messages.at(-1);
if (last?.type !== 'sidebarSnapshot') throw new Error(`${STREAM}.jsonl must end with a sidebar snapshot`);
const rows: SidebarRun[] = last.runs;

const fx = useBrowser();

async function open(stream: string, count: number): Promise<{ page: Page; problems: string[] }> {
  const page = await fx.browser.newPage({ viewport: { width: 300, height: 600 } });
  const problems = watchProblems(page);
  await page.goto(fx.server.url('sidebar', stream));
  await page.waitForFunction((n) => document.querySelectorAll('.run').length === n, count);
  return { page, problems };
}

const posted = (page: Page) => page.evaluate(() => window.__snnLabReplayTransport!.posted);

describe('sidebar webview (replayed real runs)', () => {
  test('one row per run with status, backend, key metric and a drawn loss sparkline', async () => {
    const { page, problems } = await open(STREAM, rows.length);
    for (const row of rows) {
      const li = `li[data-run-id="${row.info.runId}"]`;
      assert.equal(await page.textContent(`${li} vscode-badge`), row.info.status);
      const meta = (await page.textContent(`${li} .run-meta`)) ?? '';
      assert.match(meta, new RegExp(`^${row.info.backend ?? ''}`));
      assert.ok(row.keyMetric, 'a finished run has a key metric');
      assert.ok(meta.includes(row.keyMetric.name), meta);
      assert.doesNotMatch(meta, /%/, 'a finished run shows no progress percentage');
      assert.ok(row.spark.length > 10, `sparkline of ${row.spark.length} points`);
      const inked = await page.$eval(`${li} canvas.spark`, (c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      assert.ok(inked > 50, `${inked} sparkline pixels drawn`);
    }
    await screenshot(page, 'sidebar');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('buttons post openDashboard (one run, or the checked ones) and exportRun', async () => {
    const { page, problems } = await open(STREAM, rows.length);
    const [a, b] = rows;
    await page.click(`li[data-run-id="${a!.info.runId}"] vscode-button:has-text("Dashboard")`);
    await page.click(`li[data-run-id="${b!.info.runId}"] vscode-button:has-text("Export")`);
    await page.click(`li[data-run-id="${a!.info.runId}"] vscode-checkbox`);
    await page.click(`li[data-run-id="${b!.info.runId}"] vscode-checkbox`);
    await page.click('#open-compare');
    const actions = (await posted(page)).filter((m) => m.type !== 'ready');
    assert.deepEqual(actions, [
      { type: 'openDashboard', runIds: [a!.info.runId] },
      { type: 'exportRun', runId: b!.info.runId },
      { type: 'openDashboard', runIds: [a!.info.runId, b!.info.runId] },
    ]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a running run offers Stop, which posts stopRun; finished runs do not', async () => {
    const running = structuredClone(last) as Extract<HostToWebview, { type: 'sidebarSnapshot' }>;
    running.runs[0]!.info.status = 'running';
    fx.server.addStream('sidebar-running', [running]);
    const { page } = await open('sidebar-running', rows.length);
    const id = running.runs[0]!.info.runId;
    await page.click(`li[data-run-id="${id}"] vscode-button:has-text("Stop")`);
    assert.deepEqual((await posted(page)).at(-1), { type: 'stopRun', runId: id });
    assert.equal(
      await page
        .locator(`li[data-run-id="${running.runs[1]!.info.runId}"] vscode-button:has-text("Stop")`)
        .count(),
      0,
    );
    await page.close();
  });
});
