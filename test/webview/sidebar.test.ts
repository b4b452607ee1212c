/**
 * Headless-Chromium tests of the sidebar webview (dist/webview/sidebar.js) under the extension's CSP, replaying the
 * sidebar stream recorded with the dashboard one (scripts/record-fixture.mjs): rows, sparklines, action messages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview, SidebarRun } from '../../src/protocol/webview';
import { DARK_PALETTE } from '../../webview/shared/palette';
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
      assert.equal(await page.textContent(`${li} .badge`), row.info.status);
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
    await page.click(`li[data-run-id="${a!.info.runId}"] button.button:has-text("Dashboard")`);
    await page.click(`li[data-run-id="${b!.info.runId}"] button.button:has-text("Export")`);
    await page.click(`li[data-run-id="${a!.info.runId}"] label.run-pick`);
    await page.click(`li[data-run-id="${b!.info.runId}"] label.run-pick`);
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
    await page.click(`li[data-run-id="${id}"] button.button:has-text("Stop")`);
    assert.deepEqual((await posted(page)).at(-1), { type: 'stopRun', runId: id });
    assert.equal(
      await page
        .locator(`li[data-run-id="${running.runs[1]!.info.runId}"] button.button:has-text("Stop")`)
        .count(),
      0,
    );
    await page.close();
  });

  test('rows update in place while a run trains: Stop keeps focus and takes one key press', async () => {
    const running = structuredClone(last) as Extract<HostToWebview, { type: 'sidebarSnapshot' }>;
    running.runs[0]!.info.status = 'running';
    running.runs[0]!.info.totalSteps = 1000;
    fx.server.addStream('sidebar-live', [running]);
    const { page, problems } = await open('sidebar-live', rows.length);
    const id = running.runs[0]!.info.runId;
    const stop = page.locator(`li[data-run-id="${id}"] button.button:has-text("Stop")`);
    await stop.focus();
    await page.evaluate(() => {
      (document.activeElement as HTMLElement & { __mark?: boolean }).__mark = true;
    });
    // 30 progress updates, as the host pushes ~10 a second while a run trains.
    for (let step = 1; step <= 30; step++) {
      const next = structuredClone(running);
      next.seq = step + 1;
      next.runs[0]!.info.step = step * 10;
      next.runs[0]!.spark = [...next.runs[0]!.spark, 1 / step];
      await page.evaluate((m) => window.__snnLabReplayTransport!.emit(m), next as HostToWebview);
    }
    await page.waitForFunction(
      (rowId) => document.querySelector(`li[data-run-id="${rowId}"] .run-meta`)?.textContent?.includes('30%'),
      id,
    );
    const focus = await page.evaluate(() => ({
      same: (document.activeElement as HTMLElement & { __mark?: boolean }).__mark === true,
      text: document.activeElement?.textContent,
    }));
    assert.deepEqual(focus, { same: true, text: 'Stop' }, 'the focused Stop button is the same element');
    await page.keyboard.press('Enter');
    const stops = (await posted(page)).filter((m) => m.type === 'stopRun');
    assert.deepEqual(stops, [{ type: 'stopRun', runId: id }]);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('runs grouped by experiment, labelled by what differs (full name in the tooltip), sparkline in the run colour', async () => {
    const base = last.runs[0]!;
    const names = [4, 8, 16, 32].flatMap((d) =>
      ['selu', 'relu'].map((a) => `depth-sweep/model.depth=${d},model.activation=${a}`),
    );
    const sweep: SidebarRun[] = names.map((name, i) => ({
      ...structuredClone(base),
      info: {
        ...structuredClone(base.info),
        runId: `sweep-${i}` as SidebarRun['info']['runId'],
        name,
        color: i,
      },
    }));
    fx.server.addStream('sidebar-sweep', [
      { type: 'sidebarSnapshot', seq: 1, protocolVersion: last.protocolVersion, runs: sweep },
    ]);
    const { page, problems } = await open('sidebar-sweep', names.length);
    assert.equal(await page.textContent('.group-title'), 'depth-sweep (8 runs)');
    const shown = await page.$$eval('li.run', (lis) =>
      lis.map((li) => {
        const pick = li.querySelector<HTMLElement>('label.run-pick')!;
        const label = pick.querySelector('.run-label')?.textContent ?? '';
        return { label, title: pick.title, name: li.getAttribute('data-name') };
      }),
    );
    assert.equal(new Set(shown.map((r) => r.label)).size, names.length, 'labels differ for every pair');
    assert.ok(shown.some((r) => r.label === 'depth=32 · relu'));
    for (const r of shown) assert.ok(r.title.startsWith(r.name ?? '?'), r.title);
    // The sparkline of run 3 is drawn in palette colour 3 (dark theme).
    const want = DARK_PALETTE[3]!;
    const rgb = [1, 3, 5].map((k) => Number.parseInt(want.slice(k, k + 2), 16));
    await page.waitForTimeout(50);
    const matching = await page.$eval(
      'li[data-run-id="sweep-3"] canvas.spark',
      (c, target) => {
        const canvas = c as HTMLCanvasElement;
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
          const d =
            Math.abs(px[i]! - target[0]!) +
            Math.abs(px[i + 1]! - target[1]!) +
            Math.abs(px[i + 2]! - target[2]!);
          if (px[i + 3]! > 200 && d < 30) n++;
        }
        return n;
      },
      rgb,
    );
    assert.ok(matching > 20, `${matching} sparkline pixels in ${want}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
  test("the host's labels are shown as sent, and an update that relabels a row changes it in place", async () => {
    const base = last.runs[0]!;
    const runs: SidebarRun[] = [0, 1, 2].map((i) => ({
      ...structuredClone(base),
      info: {
        ...structuredClone(base.info),
        runId: `host-${i}` as SidebarRun['info']['runId'],
        name: `e/seed=${i}`,
      },
      // Not what the page would make from the names (seed=0 ...): proves which labels it shows.
      label: `host label ${i}`,
    }));
    fx.server.addStream('sidebar-host-labels', [
      { type: 'sidebarSnapshot', seq: 1, protocolVersion: last.protocolVersion, runs },
    ]);
    const { page, problems } = await open('sidebar-host-labels', runs.length);
    const labels = (): Promise<string[]> =>
      page.$$eval('li.run .run-label', (labels) => labels.map((l) => l.textContent ?? '').sort());
    assert.deepEqual(await labels(), ['host label 0', 'host label 1', 'host label 2']);
    const relabelled: SidebarRun = { ...structuredClone(runs[1]!), label: 'host label 1, renamed' };
    await page.evaluate((m) => window.__snnLabReplayTransport!.emit(m), {
      type: 'sidebarUpdate',
      seq: 2,
      upsert: [relabelled],
      removed: [],
    } as HostToWebview);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('li.run .run-label')].some(
        (l) => l.textContent === 'host label 1, renamed',
      ),
    );
    assert.deepEqual(await labels(), ['host label 0', 'host label 1, renamed', 'host label 2']);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('500 runs: the first screen shows its rows with their sparklines drawn by the task that got the snapshot', async () => {
    const base = last.runs[0]!;
    const many: SidebarRun[] = Array.from({ length: 500 }, (_, i) => ({
      ...structuredClone(base),
      info: {
        ...structuredClone(base.info),
        runId: `many-${i}` as SidebarRun['info']['runId'],
        name: `many/seed=${i}`,
      },
    }));
    fx.server.addStream('sidebar-empty', []);
    const page = await fx.browser.newPage({ viewport: { width: 300, height: 600 } });
    const problems = watchProblems(page);
    await page.goto(fx.server.url('sidebar', 'sidebar-empty'));
    const snapshot = { type: 'sidebarSnapshot', seq: 1, protocolVersion: last.protocolVersion, runs: many };
    // A timer set after the emit runs right after the task that handles the snapshot, before any frame of it.
    const first = await page.evaluate((m) => {
      window.__snnLabReplayTransport!.emit(m as HostToWebview);
      return new Promise<{ rows: number; inView: number; inked: number[] }>((resolve) =>
        setTimeout(() => {
          const rows = [...document.querySelectorAll('li.run')];
          const inView = rows.filter((r) => r.getBoundingClientRect().top < window.innerHeight);
          const inked = inView.map((r) => {
            const canvas = r.querySelector('canvas.spark') as HTMLCanvasElement;
            const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let k = 3; k < px.length; k += 4) if (px[k]! > 0) n++;
            return n;
          });
          resolve({ rows: rows.length, inView: inView.length, inked });
        }, 0),
      );
    }, snapshot);
    assert.ok(
      first.rows < 500 && first.inView < first.rows,
      `${first.rows} rows built first, ${first.inView} in view`,
    );
    assert.ok(first.inView >= 4, `${first.inView} rows in view`);
    assert.ok(
      first.inked.every((n) => n > 50),
      `sparkline pixels per row in view: ${first.inked.join(', ')}`,
    );
    // The others follow in slices; a row scrolled to gets its sparkline.
    await page.waitForFunction(() => document.querySelectorAll('li.run').length === 500);
    await page.evaluate(() => document.querySelector('li[data-run-id="many-0"]')!.scrollIntoView());
    await page.waitForFunction(
      () =>
        (document.querySelector('li[data-run-id="many-0"] canvas.spark') as HTMLCanvasElement).dataset
          .drawn === 'true',
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});
