/**
 * Dashboard benchmark on a REAL run store (bench/benchStore.ts: 100 runs x 32 layers x 1,000 reports written through
 * RunStore, ~4 GB): the host's DashboardFeed reads it and a WebviewChannel pushes to the real dashboard bundle in
 * headless Chromium, as in the extension. Measures opening (host read + first screen complete: every card in the
 * viewport drawn and painted, as TensorBoard's metrics view loads a card when it scrolls into view; every card's paint printed too; first
 * time and reopened), live updates with 100 runs compared, a run started while they are compared, the host's memory, the
 * sidebar and the Runs tree with 500 runs, and `snn-lab runs list`. Prints a table; exits non-zero only if it
 * cannot run. Targets (issue 14): open <= 1.5 s / <= 0.5 s reopened, update median <= 16 ms, new run <= 2 s,
 * RSS <= 600 MB, sidebar/tree with 500 runs <= 100 ms, runs list <= 1 s.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  type FirstPaint,
  forwardPosts,
  pageWebview,
  profileIf,
  traceIf,
  watchFirstPaint,
  type PushTiming,
} from './benchPage';
import { CURVE_CACHE_WRITE_DELAY_MS, CurveCache } from '../src/host/webviews/curveCache';
import { DashboardFeed } from '../src/host/webviews/dashboardFeed';
import { FIRST_SCREEN_ROWS, SidebarRows } from '../src/host/webviews/sidebarRows';
import { WebviewChannel } from '../src/host/webviews/webviewChannel';
import { groupByExperiment, runLook } from '../src/host/runLabels';
import type { RunId } from '../src/protocol/ids';
import { PROTOCOL_VERSION } from '../src/protocol/version';
import type { HostToWebview, RunPayload } from '../src/protocol/webview';
import { toJsonLine } from '../src/runs/numericJson';
import { RunStore } from '../src/runs/runStore';
import { launchChromium, startServer, type TestServer } from '../test/webview/harness';
import { benchStores, EXPERIMENT, layerStats, rng, SHAPE, writeRun } from './benchStore';

const UPDATES = 30;
const WEBVIEW_DIR = process.env.SNN_BENCH_DEV_BUNDLE
  ? join(__dirname, '..', '..', 'dist', 'webview')
  : join(__dirname, 'webview');
/** SNN_BENCH_PARTS=open,live,sidebar,cli,later runs only those parts (default: all). */
const want = (part: string): boolean =>
  !process.env.SNN_BENCH_PARTS || process.env.SNN_BENCH_PARTS.split(',').includes(part);
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? NaN;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const rows: [string, string][] = [];
const row = (k: string, v: string): void => {
  rows.push([k, v]);
  console.log(`  ${k}: ${v}`);
};
let peakRss = 0;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const rssTimer = setInterval(sampleRss, 50);

const log = {
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

/** Pushes the page recorded since index `from`. */
const pushesSince = (page: Page, from: number): Promise<PushTiming[]> =>
  page.evaluate((n) => (window.__benchPushes ?? []).slice(n), from);

let firstPages = 0;

/**
 * Opens a dashboard page and a channel fed by `feed`; resolves when the page has painted the first snapshot.
 * `wallMs` runs from the open (the host starts reading while the page boots) to that paint, as the user sees it.
 * As DashboardPanels.adopt: when the caches cover the snapshot (a reopened dashboard) the host builds it at once and
 * embeds it in the page's HTML, and the page draws it when its script runs; otherwise the page boots, says `ready`
 * and is sent the snapshot.
 */
async function openDashboard(
  server: TestServer,
  page: Page,
  feed: DashboardFeed,
  phase: string,
): Promise<{
  channel: WebviewChannel;
  idle: () => Promise<void>;
  /** From the open to the paint of the frame that completed every card. */
  wallMs: number;
  /** From the open to the paint of the first screen: every card in the viewport drawn (the headline figure). */
  screenMs: number;
  renderMs: number;
  parts: string;
}> {
  const embed = feed.cached('curves');
  await watchFirstPaint(page);
  let onReady: (message: unknown) => void = () => undefined;
  let onDrawn: (message: unknown) => void = () => undefined;
  await forwardPosts(page, (m) => {
    const type = typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
    if (type === 'ready') onReady(m);
    // The page drew the snapshot: the host reads the statistics it left for later (DashboardPanels does the same).
    if (type === 'drawn') onDrawn(m);
  });
  const profile = await profileIf(page, phase, WEBVIEW_DIR);
  const trace = await traceIf(page, phase);
  const start = performance.now();
  const view = pageWebview(page, server);
  onDrawn = (m) => view.fromPage(m);
  const channel = new WebviewChannel({
    ...view,
    view: 'dashboard',
    log,
    // As DashboardPanels does: the Curves tab opens from infos and curves, the statistics follow once it is drawn.
    snapshot: () => feed.snapshot('curves', { statisticsLater: true, afterDrawn: true }),
    afterSnapshot: () => feed.takeLater(),
    onMessage: (m) => {
      if (m.type === 'drawn') feed.pageDrew();
    },
  });
  feed.attach({ append: (d) => channel.append(d), queue: (b) => channel.queue(b) });
  // DashboardPanels.open starts reading while the webview boots (for the Curves tab: the curves).
  const warming = feed.open('curves').then(() => performance.now() - start);
  let firstName: string | undefined;
  if (embed) {
    const first = await channel.firstSnapshot();
    if (first) server.addFirst((firstName = `first-${process.pid}-${++firstPages}`), first);
    if (first && process.env.SNN_BENCH_SIZES) {
      console.log(`    embedded snapshot: ${(JSON.stringify(first).length / 1e6).toFixed(2)} MB`);
    }
  }
  const embedded = performance.now() - start;
  let t = NaN;
  let booted = NaN;
  // The page's own `ready` (with `shown` when it drew the snapshot of its HTML) goes to the host when posted.
  const ready = new Promise<{ shown?: number }>((resolve) => {
    onReady = (m) => {
      booted = performance.now() - start;
      t = performance.now();
      view.ready(m);
      resolve(m as { shown?: number });
    };
  });
  const gotoAt = performance.now();
  // Committed is enough: the page's `ready` and first paint are awaited below (goto's `load` may come later).
  const navigated = page.goto(server.url('dashboard', 'empty', firstName), { waitUntil: 'commit' });
  let painted: FirstPaint | undefined;
  if (firstName !== undefined) {
    await navigated;
    painted = await page.evaluate(() => window.__benchFirstPaint!);
    if (!('shown' in (await ready))) {
      throw new Error('the page did not draw the snapshot embedded in its HTML');
    }
  } else {
    await ready;
    // The snapshot is built (from the caches once read) and posted in the channel's next turns.
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The first push is the snapshot; its delivery resolves once the page painted it (no polling in the page).
    await view.firstPainted();
  }
  const wallMs = performance.now() - start;
  painted ??= await page.evaluate(() => window.__benchFirstPaint!);
  // Both ends are the paint of the frame that completed every card: the first screen's paint came this much sooner.
  const screenMs = wallMs - (painted.completeAt - painted.paintedAt);
  const shown = await page.evaluate(() => window.__snnLab?.data().selected.length ?? 0);
  if (shown < feed.selection.length) {
    throw new Error(`the first snapshot showed ${shown} of ${feed.selection.length} runs`);
  }
  const readyToPainted = performance.now() - t;
  await navigated;
  await profile.stop();
  await trace.stop();
  if (process.env.SNN_BENCH_SHOT === phase) await page.screenshot({ path: `/tmp/snn-bench-${phase}.png` });
  const read = await warming;
  const [push] = await pushesSince(page, 0);
  const renderMs = painted?.renderMs ?? (await page.evaluate(() => window.__snnLab!.renders.at(-1)!));
  // The page clock (from navigation start): HTML received, bundle received, bundle evaluated up to `ready`.
  const clock = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const bundle = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/dashboard.js')) as
      PerformanceResourceTiming | undefined;
    const firstScript = performance.getEntriesByType('resource').find((e) => e.name.includes('/first/')) as
      PerformanceResourceTiming | undefined;
    const ready = performance.getEntriesByName('snn-lab-ready')[0];
    return {
      origin: performance.timeOrigin,
      html: nav?.responseEnd ?? NaN,
      parsed: nav?.domInteractive ?? NaN,
      bundleStart: bundle?.startTime ?? NaN,
      bundleConnected: bundle?.connectEnd ?? NaN,
      bundleAsked: bundle?.requestStart ?? NaN,
      bundleFirstByte: bundle?.responseStart ?? NaN,
      bundle: bundle?.responseEnd ?? NaN,
      first: firstScript?.responseEnd ?? NaN,
      ready: ready?.startTime ?? NaN,
    };
  });
  // Both clocks count from the same system clock: Node's goto() call to the page's navigation start.
  const toNavigation = clock.origin - (performance.timeOrigin + gotoAt);
  const boot =
    `page booted ${ms(booted)} (goto -> navigation start ${ms(toNavigation)}; page clock: HTML ${ms(clock.html)}, ` +
    `parsed ${ms(clock.parsed)}, bundle fetch started ${ms(clock.bundleStart)}, connected ${ms(clock.bundleConnected)}, asked ${ms(clock.bundleAsked)}, its first byte ${ms(clock.bundleFirstByte)}, ` +
    `loaded ${ms(clock.bundle)}, first-snapshot script loaded ${ms(clock.first)}, ready ${ms(clock.ready)}), host read (curves) done ${ms(read)}`;
  const parts =
    firstName !== undefined
      ? `host snapshot built and embedded in the HTML ${ms(embedded)}; ${boot}; page clock: first screen painted ` +
        `${ms(painted.paintedAt)} (its render ${ms(painted.renderMs)}, ended ${ms(painted.renderedAt)}), every card ` +
        `painted ${ms(painted.completeAt)}`
      : `${boot}; ready -> every card painted ${ms(readyToPainted)}: ` +
        `ready -> snapshot posted (host) ${ms((view.hostTimes[0]?.postedAt ?? NaN) - t)}, posted -> painted ` +
        `${ms((view.hostTimes[0]?.paintedAt ?? NaN) - (view.hostTimes[0]?.postedAt ?? NaN))} of which ` +
        `in the page: render ${ms(renderMs)}, loaded -> painted ${ms(push?.ms ?? NaN)}; page clock: first screen ` +
        `painted ${ms(painted.paintedAt)}, every card painted ${ms(painted.completeAt)}`;
  return { channel, idle: view.idle, wallMs, screenMs, renderMs, parts };
}

/**
 * 7. A first open in a later session: the curve cache (DashboardPanels keeps it in the extension's global storage)
 *    holds the 100 runs' curves as a previous session read them, so a new feed reads only what metrics.jsonl gained
 *    since (nothing here). Alternates SNN_BENCH_LATER (default 3) times: a first open without the cache (runs never
 *    opened before: the headline figure's case), then one with it, each a new feed and a new page; after each, the
 *    statistics read that the page's `drawn` starts is awaited, so the next open starts from an idle host.
 */
async function laterSession(
  server: TestServer,
  browser: Awaited<ReturnType<typeof launchChromium>>,
  store: RunStore,
  ids: RunId[],
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'snn-bench-curve-cache-'));
  try {
    const cache = new CurveCache(dir, { writeDelayMs: CURVE_CACHE_WRITE_DELAY_MS });
    // The previous session: its feed read the curves and stored them (after the write delay, in the background).
    const before = new DashboardFeed(store, { curveCache: cache });
    before.select(ids);
    await before.open('curves');
    await cache.flush();
    const figures: Record<'without' | 'with', number[]> = { without: [], with: [] };
    const rounds = Math.max(1, Number(process.env.SNN_BENCH_LATER ?? 3));
    for (let k = 0; k < rounds; k++) {
      for (const kind of ['without', 'with'] as const) {
        const feed = new DashboardFeed(store, kind === 'with' ? { curveCache: cache } : {});
        feed.select(ids);
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const opened = await openDashboard(server, page, feed, `later-${kind}`);
        figures[kind].push(opened.screenMs);
        row(
          `  first open ${kind} the curve cache, round ${k + 1} (first screen; every card)`,
          `${ms(opened.screenMs)}; ${ms(opened.wallMs)}; ${opened.parts}`,
        );
        await feed.warm();
        await new Promise((resolve) => setTimeout(resolve, 250));
        await opened.idle();
        opened.channel.dispose();
        await page.close();
        // The cache's own writes (the entries are unchanged, so none) are done before the next open.
        await cache.flush();
      }
    }
    const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ');
    row(
      `first open, a later session (curve cache) against runs never opened: first screen, median of ${rounds}`,
      `${ms(median(figures.with))} (${list(figures.with)} ms) against ${ms(median(figures.without))} (${list(figures.without)} ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  row(
    'started (UTC) / load average 1, 5, 15 min',
    `${new Date().toISOString()} / ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  row('uptime', execFileSync('uptime', { encoding: 'utf8' }).trim());
  const stores = benchStores((line) => console.log(line));
  if (process.env.SNN_BENCH_STORE_ONLY) {
    clearInterval(rssTimer); // only write the cached store (minutes), measure nothing
    return;
  }
  const rssBefore = process.memoryUsage().rss;
  // The production bundles users get (minified), built by scripts/bench.mjs into out/bench/webview;
  // SNN_BENCH_DEV_BUNDLE=1 serves the development build in dist/ instead (readable names in a profile).
  const server = await startServer({ webviewDir: WEBVIEW_DIR });
  server.addStream('empty', []);
  const browser = await launchChromium();
  const viewer = new RunStore(stores.big);
  const ids = viewer.list().map((m) => m.runId);
  row(
    `dashboard bundle (${process.env.SNN_BENCH_DEV_BUNDLE ? 'development' : 'production, minified'})`,
    `${(statSync(join(WEBVIEW_DIR, 'dashboard.js')).size / 1e3).toFixed(0)} kB`,
  );
  row(
    'store',
    `${ids.length} runs x ${SHAPE.layers} layers x ${SHAPE.reports} reports, layers.jsonl ${mb(statSync(join(viewer.runDir(ids[0]!), 'layers.jsonl')).size)} each`,
  );
  const sizes = new Map(
    ids.flatMap((id) =>
      ['metrics.jsonl', 'layers.jsonl'].map(
        (f) => [join(viewer.runDir(id), f), statSync(join(viewer.runDir(id), f)).size] as const,
      ),
    ),
  );
  // The live phase appends to runs whose meta.json says `running` (the tail stops following ended runs); the cached
  // store's files are restored afterwards.
  const metas = new Map(
    ids.map((id) => {
      const path = join(viewer.runDir(id), 'meta.json');
      return [path, readFileSync(path, 'utf8')] as const;
    }),
  );
  const writer = new RunStore(stores.big);
  let newRun: RunId | undefined;
  try {
    let t = performance.now();
    if (want('open') || want('live')) {
      // 1. First open: a cold feed reads the 100 runs (sampled statistics, streamed metrics) while the page boots.
      const feed = new DashboardFeed(viewer);
      viewer.onDidChange((change) => feed.apply(change));
      // SNN_BENCH_COMPARE=N compares the first N runs only (with SNN_BENCH_PARTS=open: what the page costs without
      // the 100 runs' data, e.g. the floor of a reopen on this machine).
      const compare = Number(process.env.SNN_BENCH_COMPARE ?? ids.length);
      if (compare !== ids.length && want('live')) {
        throw new Error('SNN_BENCH_COMPARE needs SNN_BENCH_PARTS=open');
      }
      feed.select(ids.slice(0, compare));
      t = performance.now();
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const first = await openDashboard(server, page, feed, 'open');
      row('open, first time: host read + first screen complete (wall)', ms(first.screenMs));
      row('  every card painted, below the first screen too (wall)', ms(first.wallMs));
      row('  of which the first render itself (Curves, 100 runs)', ms(first.renderMs));
      row('  parts', first.parts);
      // The statistics are read once the page said it drew the snapshot (DashboardFeed's afterDrawn): the reopens
      // below start from warm caches and an idle host, as before that change.
      t = performance.now();
      await feed.warm();
      // The channel posts them at its next flush (every 100 ms at most); `idle()` below then waits for their paint.
      await new Promise((resolve) => setTimeout(resolve, 250));
      row(
        '  statistics of the 100 runs read, from the end of the open (after the page drew)',
        ms(performance.now() - t),
      );
      t = performance.now();
      const body = await feed.snapshot();
      const hostWarm = performance.now() - t;
      t = performance.now();
      const size = JSON.stringify(body).length;
      row('  snapshot size / serialised in', `${mb(size)} / ${ms(performance.now() - t)}`);
      if (body.type === 'snapshot') {
        const runs: RunPayload[] = body.runs;
        const part = (f: (r: RunPayload) => unknown): string =>
          mb(runs.reduce((sum, r) => sum + JSON.stringify(f(r)).length, 0));
        row(
          '  of which info / curves / frames / histograms',
          `${part((r) => r.info)} / ${part((r) => r.curves)} / ${part((r) => r.frames)} / ${part((r) => r.histograms)}`,
        );
      }
      sampleRss();
      row(
        'host RSS after opening (bench process: store, caches, Playwright client)',
        mb(process.memoryUsage().rss),
      );
      // The statistics that followed the snapshot are painted before the page goes.
      await first.idle();
      first.channel.dispose();
      await page.close();

      // 2. Reopen: the caches are warm; nothing is read from disk. SNN_BENCH_REOPENS (default 5) reopens, each a new
      //    page (a new renderer process, as a VS Code webview is), closed before the next; the last stays for the live
      //    part. One reopen moves by ±20 % between runs seconds apart on this machine: the median decides.
      const reopens = Math.max(1, Number(process.env.SNN_BENCH_REOPENS ?? 5));
      const walls: number[] = [];
      const screens: number[] = [];
      const reopened = (k: number, o: typeof again): void => {
        walls.push(o.wallMs);
        screens.push(o.screenMs);
        row(
          `  reopen ${k} of ${reopens} (first screen; every card)`,
          `${ms(o.screenMs)}; ${ms(o.wallMs)}; ${o.parts}`,
        );
      };
      let page2 = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      let again = await openDashboard(server, page2, feed, 'reopen');
      for (let k = 1; k < reopens; k++) {
        reopened(k, again);
        await again.idle();
        again.channel.dispose();
        await page2.close();
        page2 = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        again = await openDashboard(server, page2, feed, 'reopen');
      }
      reopened(reopens, again);
      row(
        `open, reopened: first screen complete (wall, median of ${reopens})`,
        `${ms(median(screens))} (${screens.map((w) => w.toFixed(0)).join(', ')} ms)`,
      );
      row(
        `  every card painted, below the first screen too (wall, median of ${reopens})`,
        `${ms(median(walls))} (${walls.map((w) => w.toFixed(0)).join(', ')} ms)`,
      );
      row('  host snapshot from the caches', ms(hostWarm));

      if (want('live')) {
        // 3. Live updates: K of the 100 compared runs append one report per push (the tail reads them as the extension's
        //    store would), the channel coalesces, the page renders.
        for (const [path, text] of metas) {
          writeFileSync(
            path,
            JSON.stringify({ ...(JSON.parse(text) as object), status: 'running' }, null, 2) + '\n',
          );
        }
        const statusSeen = await page2.evaluate(() => window.__snnLab!.renders.length);
        viewer.refresh();
        await page2.waitForFunction(
          (n) => window.__snnLab!.renders.length > n && window.__snnLab!.settled(),
          statusSeen,
          { timeout: 120_000 },
        );
        for (const live of [4, 100]) {
          const profile = await profileIf(page2, `live${live}`, WEBVIEW_DIR);
          const times: number[] = [];
          const hostMs: number[] = [];
          let pushes = 0;
          for (let u = 0; u < UPDATES; u++) {
            const step = SHAPE.reports + u + (live === 100 ? UPDATES : 0);
            await again.idle();
            const before = await page2.evaluate(() => window.__benchPushes?.length ?? 0);
            const h = performance.now();
            for (const [i, id] of ids.slice(0, live).entries()) {
              const record = { step, epoch: 9, layers: layerStats(rng(step * 31 + i), i, step) };
              appendFileSync(join(viewer.runDir(id), 'layers.jsonl'), toJsonLine(record));
              appendFileSync(
                join(viewer.runDir(id), 'metrics.jsonl'),
                toJsonLine({
                  kind: 'progress',
                  step,
                  epoch: 9,
                  loss: 0.4,
                  samplesPerSec: 5000,
                  time: Date.now(),
                }),
              );
            }
            viewer.refresh();
            hostMs.push(performance.now() - h);
            // Every appending run's report is in the page's state, and every push that carried them is painted.
            await page2.waitForFunction(
              ({ runs, at }) =>
                runs.every((run) => window.__snnLab!.data().runs[run]?.curves.batch_loss?.step.at(-1) === at),
              { runs: ids.slice(0, live), at: step },
              { timeout: 120_000, polling: 20 },
            );
            await again.idle();
            const got = await pushesSince(page2, before);
            pushes += got.length;
            // From the first message in the page to the paint that shows the last one (one push unless the channel's
            // 100 ms interval split the reports).
            times.push(got.at(-1)!.paintedAt - got[0]!.loadedAt);
            sampleRss();
          }
          await profile.stop();
          row(
            `live update, ${live} of 100 runs appending: first message -> painted, median / p95 of ${UPDATES}`,
            `${ms(median(times))} / ${ms(p95(times))} (${pushes} pushes)`,
          );
          row(
            `  host: tail + feed per push, median (write of ${live} reports excluded: no)`,
            ms(median(hostMs)),
          );
        }

        // 4. A run started while the 100 are compared: another process (here a second RunStore) creates and writes it;
        //    the extension's store polls every second.
        const watch = viewer.watch(1000);
        t = performance.now();
        newRun = writeRun(writer, 999, { layers: SHAPE.layers, reports: 3, finish: false });
        const wrote = performance.now() - t;
        const id = newRun;
        await page2.waitForFunction(
          (run) => (window.__snnLab!.data().runs[run]?.frames.length ?? 0) > 0,
          id,
          {
            timeout: 120_000,
          },
        );
        row(
          'a run started while 100 are compared: first statistics on the page after',
          ms(performance.now() - t - wrote),
        );
        watch.dispose();
      }
      await again.idle();
      again.channel.dispose();
      await page2.close();
      sampleRss();
      row(
        'host RSS peak during the dashboard benchmark (limit 600 MB)',
        `${mb(peakRss)} (before the browser: ${mb(rssBefore)})`,
      );
    }
    if (want('sidebar')) {
      // 5. Sidebar and Runs tree with 500 runs.
      const many = new RunStore(stores.many);
      // As SidebarView: the first snapshot has every row and the first screen's overviews; the rest follow.
      t = performance.now();
      const firstRows = new SidebarRows(many);
      const sidebarRows = firstRows.all(FIRST_SCREEN_ROWS);
      row(
        `sidebar: host snapshot, ${sidebarRows.length} rows with the first ${FIRST_SCREEN_ROWS} overviews (first time)`,
        ms(performance.now() - t),
      );
      t = performance.now();
      await firstRows.loadRest(() => undefined);
      row('  the other overviews read after it (in slices)', ms(performance.now() - t));
      const cached = new SidebarRows(many);
      cached.all();
      t = performance.now();
      cached.all();
      row('  rows again (cached)', ms(performance.now() - t));
      const side = await browser.newPage({ viewport: { width: 320, height: 900 } });
      await side.goto(server.url('sidebar', 'empty'));
      // The snapshot is handed to the page before the timing: Playwright's transfer of it is not the page's work.
      await side.evaluate(
        (snapshot) => {
          (window as { __benchSidebar?: unknown }).__benchSidebar = snapshot;
        },
        { type: 'sidebarSnapshot', seq: 1, protocolVersion: PROTOCOL_VERSION, runs: sidebarRows },
      );
      const profile = await profileIf(side, 'sidebar', WEBVIEW_DIR);
      // Painted: every row that reaches into the viewport is there with its sparkline drawn, and the frame that
      // showed them was painted (a task posted from the animation-frame callback that saw them runs after it).
      const sideMs = await side.evaluate(async () => {
        const snapshot = (window as { __benchSidebar?: unknown }).__benchSidebar;
        const painted = (done: () => boolean): Promise<number> =>
          new Promise((resolve) => {
            const give = performance.now() + 60_000;
            const check = (): void => {
              if (done()) setTimeout(() => resolve(performance.now()), 0);
              else if (performance.now() > give) resolve(NaN);
              else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          });
        const total = (snapshot as { runs: unknown[] }).runs.length;
        const drawn = (rows: Element[]): boolean =>
          rows.every((r) => r.querySelector<HTMLCanvasElement>('canvas.spark')?.dataset.drawn === 'true');
        const start = performance.now();
        window.__snnLabReplayTransport!.emit(snapshot as HostToWebview);
        const screen = await painted(() => {
          const rows = [...document.querySelectorAll('.run')];
          const inView = rows.filter((r) => r.getBoundingClientRect().top < window.innerHeight);
          const filled = rows.length === total || inView.length < rows.length;
          return filled && drawn(inView);
        });
        const all = await painted(() => {
          const rows = [...document.querySelectorAll('.run')];
          return rows.length === total;
        });
        return { screen: screen - start, all: all - start };
      });
      await profile.stop();
      row(
        `sidebar: page, ${sidebarRows.length} rows: emit -> first screen of rows painted (sparklines drawn)`,
        ms(sideMs.screen),
      );
      row(
        `  emit -> all ${sidebarRows.length} rows in the page (sparklines drawn when scrolled to), painted`,
        ms(sideMs.all),
      );
      await side.close();
      t = performance.now();
      const groups = groupByExperiment(many.list());
      const looks = groups.flatMap((g) => g.runs.map((m) => runLook(m, Date.now())));
      row(
        `Runs tree: host data for ${looks.length} runs in ${groups.length} groups (list + labels)`,
        ms(performance.now() - t),
      );
    }
    // 6. The CLI.
    for (const [name, dir] of want('cli')
      ? ([
          ['100 big runs', stores.big],
          ['500 runs', stores.many],
        ] as const)
      : []) {
      const times: number[] = [];
      for (let k = 0; k < 3; k++) {
        t = performance.now();
        const r = spawnSync(
          process.execPath,
          [join(__dirname, '..', '..', 'dist', 'cli.js'), 'runs', 'list', '--runs-dir', dir],
          { encoding: 'utf8' },
        );
        if (r.status !== 0) throw new Error(r.stderr);
        times.push(performance.now() - t);
      }
      row(`snn-lab runs list, ${name} (median of 3, incl. Node start)`, ms(median(times)));
    }
    if (want('later')) await laterSession(server, browser, viewer, ids);
  } finally {
    clearInterval(rssTimer);
    // The cached store stays as it was written.
    for (const [path, size] of sizes) truncateSync(path, size);
    for (const [path, text] of metas) writeFileSync(path, text);
    if (newRun) {
      writer.setStatus(newRun, 'stopped');
      writer.delete(newRun);
    }
    await browser.close();
    await server.close();
  }
  row(
    'finished (UTC) / load average 1, 5, 15 min',
    `${new Date().toISOString()} / ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  console.log('');
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log(`experiment of the bench runs: ${EXPERIMENT}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
