/**
 * A reopened dashboard gets its first snapshot from a script beside its bundle (src/host/webviews/firstSnapshotFile.ts):
 * the page draws it without asking, says `ready` with the seq it shows, paints the same pixels as when the snapshot is
 * posted (a page that got it posted says `drawn` once it painted it), keeps a hostile run name as text, a document
 * re-created from the same HTML does not draw stale data, and a script that is gone (the host removes it at `ready`)
 * leaves a page that asks for its snapshot as a new one does.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { readStream, useBrowser, watchProblems } from './harness';

const last = readStream('snn-vs-relu').at(-1);
if (last?.type !== 'snapshot') throw new Error('snn-vs-relu.jsonl must end with the final snapshot');
const HOSTILE =
  '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & \u2028';
const snapshot: HostToWebview = {
  ...last,
  seq: 1,
  allRuns: last.allRuns.map((info, i) => (i === 0 ? { ...info, name: HOSTILE } : info)),
  runs: last.runs.map((run, i) => (i === 0 ? { ...run, info: { ...run.info, name: HOSTILE } } : run)),
};

const fx = useBrowser();

/** Waits until the page painted seq `seq` (a frame after the render that showed it). */
async function painted(page: Page, seq: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const hook = window.__snnLab;
      return hook !== undefined && hook.data().seq === n && hook.settled() && hook.renders.length > 0;
    },
    seq,
    { timeout: 20_000 },
  );
  await page.evaluate(() => new Promise<void>((ok) => requestAnimationFrame(() => ok())));
}

const pixels = (page: Page, chart: string) =>
  page.evaluate(
    (id) => document.querySelector<HTMLCanvasElement>(`[data-chart="${id}"] canvas`)?.toDataURL() ?? '',
    chart,
  );

describe('the first snapshot beside the bundle', () => {
  test('drawn without a round trip, with the pixels of a posted snapshot, and a hostile name kept as text', async () => {
    fx.server.addStream('nothing', []);
    fx.server.addStream('posted', [snapshot]);
    fx.server.addFirst('embedded', snapshot);
    const embedded = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(embedded);
    await embedded.goto(fx.server.url('dashboard', 'nothing', 'embedded'));
    await painted(embedded, 1);
    const ready = await embedded.evaluate(() =>
      window.__snnLabReplayTransport!.posted.filter((m) => m.type === 'ready'),
    );
    assert.deepEqual(
      ready.map((m) => (m as { shown?: number }).shown),
      [1],
      'ready says which snapshot the page shows',
    );
    const names = await embedded.evaluate(() => window.__snnLab!.data().allRuns.map((r) => r.name));
    assert.equal(names[0], HOSTILE, 'the name arrives intact');
    assert.equal(await embedded.evaluate(() => (window as { __pwned?: number }).__pwned), undefined);
    assert.equal(
      await embedded.evaluate(() => '__snnLabFirst' in window),
      false,
      'the carried snapshot was read and let go',
    );
    const shownAsText = await embedded.evaluate(
      (name) =>
        [...document.querySelectorAll('*')].some(
          (e) =>
            e.getAttribute('title')?.includes(name) ||
            (e.children.length === 0 && e.textContent?.includes(name)),
        ),
      HOSTILE,
    );
    assert.ok(shownAsText, 'the full name is shown as text (a label or a tooltip)');
    assert.deepEqual(problems, []);

    const posted = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await posted.goto(fx.server.url('dashboard', 'posted'));
    await painted(posted, 1);
    // Once drawn whole and painted, the page says so (the host reads the statistics it left for later only then).
    await posted.waitForFunction(() =>
      window.__snnLabReplayTransport?.posted.some((m) => m.type === 'drawn'),
    );
    await posted.waitForTimeout(200);
    assert.deepEqual(
      await posted.evaluate(() => window.__snnLabReplayTransport!.posted.filter((m) => m.type === 'drawn')),
      [{ type: 'drawn', seq: 1 }],
      'drawn once, for the snapshot it shows',
    );
    for (const chart of ['curves:batch_loss', 'curves:val_loss']) {
      const a = await pixels(embedded, chart);
      assert.ok(a.length > 1000, `${chart} drew something`);
      assert.equal(
        a,
        await pixels(posted, chart),
        `${chart}: the same pixels whichever way the snapshot came`,
      );
    }
    await posted.close();

    // VS Code re-creates a hidden panel's document from the same HTML: its data is stale by then.
    await embedded.reload();
    await embedded.waitForFunction(() =>
      window.__snnLabReplayTransport?.posted.some((m) => m.type === 'ready'),
    );
    const again = await embedded.evaluate(() =>
      window.__snnLabReplayTransport!.posted.filter((m) => m.type === 'ready'),
    );
    assert.deepEqual(again, [
      { type: 'ready', protocolVersion: again[0]!.protocolVersion, view: 'dashboard' },
    ]);
    assert.equal(
      await embedded.evaluate(() => window.__snnLab!.data().seq),
      -1,
      'the stale snapshot is not drawn',
    );
    await embedded.close();

    // The host removed the script after `ready`: a document re-created then finds none and asks.
    const gone = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await gone.goto(fx.server.url('dashboard', 'nothing', 'removed-after-ready'));
    await gone.waitForFunction(() => window.__snnLabReplayTransport?.posted.some((m) => m.type === 'ready'));
    const asked = await gone.evaluate(() =>
      window.__snnLabReplayTransport!.posted.filter((m) => m.type === 'ready'),
    );
    assert.deepEqual(asked, [
      { type: 'ready', protocolVersion: asked[0]!.protocolVersion, view: 'dashboard' },
    ]);
    await gone.close();
  });
});

describe('a hidden page', () => {
  test('says `drawn` as soon as a snapshot arrives: it paints no frame, so the host must not wait for one', async () => {
    fx.server.addStream('posted-hidden', [snapshot]);
    const page = await fx.browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A background tab: hidden, and no animation frames (a visible page's `drawn` would come from one).
    await page.addInitScript(() => {
      Object.defineProperty(Document.prototype, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      window.requestAnimationFrame = () => 0;
    });
    await page.goto(fx.server.url('dashboard', 'posted-hidden'));
    await page.waitForFunction(() => window.__snnLabReplayTransport?.posted.some((m) => m.type === 'drawn'));
    assert.deepEqual(
      await page.evaluate(() => window.__snnLabReplayTransport!.posted.filter((m) => m.type === 'drawn')),
      [{ type: 'drawn', seq: 1 }],
    );
    assert.equal(await page.evaluate(() => window.__snnLab!.renders.length), 0, 'no frame was drawn');
    await page.close();
  });
});

describe('cards below the first screen', () => {
  test('are drawn right after the first paint, with the pixels of a render that drew every card', async () => {
    fx.server.addStream('posted-cards', [snapshot]);
    const pages: Page[] = [];
    const cards: string[][] = [];
    const renders: number[] = [];
    // A tall viewport shows every Curves card at once; a short one has some below the first screen.
    for (const height of [3000, 500]) {
      const page = await fx.browser.newPage({ viewport: { width: 1280, height } });
      pages.push(page);
      await page.goto(fx.server.url('dashboard', 'posted-cards'));
      await painted(page, 1);
      const ids = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-chart^="curves:"]')].map((e) => e.dataset.chart!),
      );
      cards.push(ids);
      renders.push(await page.evaluate(() => window.__snnLab!.renders.length));
    }
    const [tall, short] = pages as [Page, Page];
    assert.ok(cards[0]!.length >= 4, `curves cards: ${cards[0]!.join(', ')}`);
    assert.deepEqual(cards[1], cards[0]);
    const below = await short.evaluate(
      (ids) =>
        ids.filter(
          (id) => document.querySelector(`[data-chart="${id}"]`)!.getBoundingClientRect().top >= innerHeight,
        ),
      cards[1]!,
    );
    assert.ok(below.length > 0, 'the short page has cards below its first screen');
    assert.ok(
      renders[1]! > renders[0]!,
      `renders: tall ${renders[0]}, short ${renders[1]} (the later cards' own)`,
    );
    for (const id of cards[0]!) {
      const a = await pixels(tall, id);
      assert.ok(a.length > 1000, `${id} drew something`);
      assert.equal(
        await pixels(short, id),
        a,
        `${id}: the same pixels drawn at once or after the first paint`,
      );
    }
    for (const page of pages) await page.close();
  });
});
