/**
 * The dashboard benchmark's page side: a stand-in for vscode.Webview that delivers a host push (every message the
 * channel posts in one turn of the event loop) to the real page as VS Code does — one `message` event per message,
 * each in its own task — and times it in the page until the frame that shows it is painted; plus a CPU profiler.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { PROTOCOL_VERSION } from '../src/protocol/version';
import type { HostToWebview } from '../src/protocol/webview';
import type { TestServer } from '../test/webview/harness';
import type { TestHook } from '../webview/dashboard/testHook';

/** One delivered push, timed by the page clock (ms, performance.now()). */
export interface PushTiming {
  messages: number;
  /** The push's script (its JSON) arrived and was parsed: the harness's transport, not VS Code's IPC. */
  loadedAt: number;
  /** The last message was handed to the page (reduced into its state). */
  emittedAt: number;
  /** The frame that rendered the last message was painted. */
  paintedAt: number;
  /** loadedAt -> paintedAt: what the user waits for once the push is in the page. */
  ms: number;
}

declare global {
  interface Window {
    __benchPushes?: PushTiming[];
    /** Resolves (page clock) once the frame that shows the first snapshot was painted: see watchFirstPaint. */
    __benchFirstPaint?: Promise<FirstPaint>;
  }
}

/**
 * Hands what the page posts to the host (`onPost`) as it posts it, through a Playwright binding, as VS Code's IPC
 * would: the replay transport only records posts in the page, and waiting for goto()'s `load` and then polling for
 * `ready` held the page's `ready` back from the host (170–290 ms of every open before 2026-12-07, session 6).
 */
export async function forwardPosts(page: Page, onPost: (message: unknown) => void): Promise<void> {
  await page.exposeFunction('__benchHostPost', onPost);
  await page.addInitScript(() => {
    let transport: unknown;
    Object.defineProperty(window, '__snnLabReplayTransport', {
      configurable: true,
      get: () => transport,
      set: (value: { post: (m: unknown) => void }) => {
        const post = value.post.bind(value);
        value.post = (m) => {
          post(m);
          void (window as unknown as { __benchHostPost: (m: unknown) => Promise<void> }).__benchHostPost(m);
        };
        transport = value;
      },
    });
  });
}

/** When a page showed its first snapshot (page clock, ms). */
export interface FirstPaint {
  /** The frame that shows it was painted (the cards on the first screen drawn). */
  paintedAt: number;
  /** That frame's render and when it ended. */
  renderMs: number;
  renderedAt: number;
  /** Every card drawn (cards below the first screen follow right after the first paint) and painted. */
  completeAt: number;
}

/**
 * Makes every document `page` loads from now on watch for the paint of its first snapshot, however it came (in the
 * HTML or posted): the test hook's render list is wrapped so that the render which shows a snapshot posts a task from
 * its animation-frame callback, and that task runs after the frame's paint (as pageWebview's deliveries check).
 * Node awaits window.__benchFirstPaint (no polling).
 */
export async function watchFirstPaint(page: Page): Promise<void> {
  await page.addInitScript(() => {
    let hook: TestHook | undefined;
    let resolve: (v: FirstPaint) => void = () => undefined;
    window.__benchFirstPaint = new Promise((r) => (resolve = r));
    let first: Omit<FirstPaint, 'completeAt'> | undefined;
    Object.defineProperty(window, '__snnLab', {
      configurable: true,
      get: () => hook,
      set: (value: TestHook) => {
        hook = value;
        let seen = false;
        let complete = false;
        const push = value.renders.push.bind(value.renders);
        value.renders.push = (...ms: number[]): number => {
          const n = push(...ms);
          if (!seen && value.data().seq >= 0) {
            seen = true;
            const renderedAt = performance.now();
            setTimeout(() => (first = { paintedAt: performance.now(), renderMs: ms[0]!, renderedAt }), 0);
          }
          if (seen && !complete && value.settled()) {
            complete = true;
            setTimeout(() => resolve({ ...first!, completeAt: performance.now() }), 0);
          }
          return n;
        };
      },
    });
  });
}

/**
 * A fake vscode.Webview feeding `page`. Messages posted in the same turn (a channel flush: queued messages, then one
 * `appended` per run) travel together as one script from the test server (allowed by the page's CSP through its
 * nonce) and are then emitted one task apart, as VS Code dispatches one `message` event per postMessage. Each push's
 * timing lands in window.__benchPushes. (Playwright's evaluate() argument channel is far slower for megabytes and
 * would measure the harness, not the dashboard.)
 */
export function pageWebview(page: Page, server: TestServer) {
  let receive: (m: unknown) => unknown = () => undefined;
  let sent = 0;
  let batch: HostToWebview[] = [];
  let delivered: Promise<unknown> = Promise.resolve();
  /** Resolves when the first push is painted (awaited in Node: polling from the page would take the page's CPU). */
  let firstPainted: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (firstPainted = resolve));
  /** Node's clock when each push's first message was posted and when the page had painted it. */
  const hostTimes: { postedAt: number; paintedAt: number }[] = [];
  const deliver = async (messages: HostToWebview[], postedAt: number): Promise<void> => {
    const name = `push-${process.pid}-${++sent}`;
    server.addStream(name, messages);
    await page.evaluate(
      async (src) => {
        const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
        await new Promise((resolve, reject) => {
          const script = document.createElement('script');
          script.nonce = nonce;
          script.src = src;
          script.onload = resolve;
          script.onerror = reject;
          document.head.append(script);
        });
        const loadedAt = performance.now();
        const list = window.__snnLabReplay ?? [];
        const nextTask = (): Promise<void> =>
          new Promise((resolve) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve();
            channel.port2.postMessage(0);
          });
        for (const m of list) {
          window.__snnLabReplayTransport!.emit(m);
          await nextTask();
        }
        const emittedAt = performance.now();
        const lastSeq = Math.max(-1, ...list.map((m) => ('seq' in m ? m.seq : -1)));
        const hook = window.__snnLab!;
        // Rendered: the state holds the last message and no render is pending. The frame's paint follows the
        // animation-frame callbacks, so a task posted from an animation-frame callback runs after that frame's paint:
        // the check runs there, whichever of its callback and the page's render comes first in the frame, and at once
        // when a frame already rendered the push while the loop above waited for its task (else it would count a
        // frame that came after the one showing the push).
        await new Promise<void>((resolve) => {
          const check = (): void => {
            if (hook.data().seq >= lastSeq && hook.settled() && hook.renders.length > 0) resolve();
            else requestAnimationFrame(() => setTimeout(check, 0));
          };
          check();
        });
        const paintedAt = performance.now();
        (window.__benchPushes ??= []).push({
          messages: list.length,
          loadedAt,
          emittedAt,
          paintedAt,
          ms: paintedAt - loadedAt,
        });
      },
      `${server.origin}/fixture/${encodeURIComponent(name)}.js`,
    );
    hostTimes.push({ postedAt, paintedAt: performance.now() });
  };
  const post = (m: unknown): Promise<boolean> => {
    if (batch.length === 0) {
      // Everything posted in this turn is one push.
      const postedAt = performance.now();
      setImmediate(() => {
        const messages = batch;
        batch = [];
        delivered = delivered.then(() => deliver(messages, postedAt)).then(() => firstPainted());
      });
    }
    batch.push(m as HostToWebview);
    return Promise.resolve(true);
  };
  return {
    webview: {
      postMessage: post,
      onDidReceiveMessage: (l: (m: unknown) => unknown) => {
        receive = l;
        return { dispose: () => undefined };
      },
    },
    /** Hands the host the page's `ready` (what it posted, e.g. with `shown`), or a plain one. */
    ready: (message?: unknown) =>
      receive(message ?? { type: 'ready', protocolVersion: PROTOCOL_VERSION, view: 'dashboard' }),
    /** Hands the host another message the page posted (e.g. `drawn`). */
    fromPage: (message: unknown) => receive(message),
    /** Node's clock (performance.now) when each push was posted and when the page had painted it. */
    hostTimes,
    /** Resolves when the first push (the snapshot) is painted. */
    firstPainted: (): Promise<void> => first,
    /** Resolves when every push posted so far is painted. */
    idle: async (): Promise<void> => {
      await new Promise((resolve) => setImmediate(resolve));
      await delivered;
    },
  };
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Starts a CDP CPU profile of `page` when `SNN_BENCH_PROFILE` names `phase`; stop() prints the top self times. */
export async function profileIf(
  page: Page,
  phase: string,
  webviewDir: string,
): Promise<{ stop: () => Promise<void> }> {
  if (process.env.SNN_BENCH_PROFILE !== phase) return { stop: async () => undefined };
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<Map<string, number>> =>
    new Map(
      (
        (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
      ).metrics.map((m) => [m.name, m.value]),
    );
  const before = await metrics();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    stop: async () => {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      // SNN_BENCH_PROFILE_FILE keeps the whole profile (.cpuprofile: Chrome DevTools' Performance panel opens it).
      if (process.env.SNN_BENCH_PROFILE_FILE) {
        writeFileSync(process.env.SNN_BENCH_PROFILE_FILE, JSON.stringify(profile));
      }
      console.log(`    CPU profile of the page (${phase}), top self time:`);
      printProfile(profile, webviewDir);
      const after = await metrics();
      const delta = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
      console.log(
        `    layouts ${delta('LayoutCount')} (${(delta('LayoutDuration') * 1000).toFixed(0)} ms), style recalcs ` +
          `${delta('RecalcStyleCount')} (${(delta('RecalcStyleDuration') * 1000).toFixed(0)} ms), script ` +
          `${(delta('ScriptDuration') * 1000).toFixed(0)} ms, task ${(delta('TaskDuration') * 1000).toFixed(0)} ms, ` +
          `nodes ${after.get('Nodes')}`,
      );
    },
  };
}

/**
 * The source module of each line of a development bundle (esbuild writes `// path` before each module), so a profile
 * can be summed per module; empty for a minified bundle.
 */
function moduleLines(file: string): { line: number; module: string }[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: { line: number; module: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^ {2}\/\/ ((?:src|webview|node_modules)\/\S+)$/.exec(line);
    if (m) out.push({ line: i, module: m[1]!.replace(/^node_modules\/((?:@[^/]+\/)?[^/]+).*$/, '$1') });
  });
  return out;
}

/** Top self-time functions of a CDP CPU profile, and (development bundle) self time per source module. */
function printProfile(p: CpuProfile, webviewDir: string): void {
  const self = new Map<number, number>();
  (p.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas?.[i] ?? 0) / 1000));
  const byName = new Map<string, number>();
  for (const node of p.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    byName.set(key, (byName.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`    ${v.toFixed(1).padStart(8)} ms  ${k}`);
  }
  const bundles = new Map<string, { line: number; module: string }[]>();
  const byModule = new Map<string, number>();
  for (const node of p.nodes) {
    const url = node.callFrame.url;
    const name = /\/(dashboard|sidebar)\.js$/.exec(url)?.[1];
    if (!name) continue;
    let lines = bundles.get(name);
    if (!lines) bundles.set(name, (lines = moduleLines(join(webviewDir, `${name}.js`))));
    let at = `${name}.js`;
    for (const l of lines) if (l.line <= node.callFrame.lineNumber) at = l.module;
    byModule.set(at, (byModule.get(at) ?? 0) + (self.get(node.id) ?? 0));
  }
  if ([...bundles.values()].some((l) => l.length > 0)) {
    console.log('    self time per source module:');
    for (const [k, v] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
      console.log(`    ${v.toFixed(1).padStart(8)} ms  ${k}`);
    }
  }
}

/**
 * Records a Chrome trace of `page` when `SNN_BENCH_TRACE` names `phase` (written to SNN_BENCH_TRACE_FILE or
 * /tmp/snn-bench-<phase>.trace.json, for chrome://tracing or Perfetto) and prints the renderer main thread's longest
 * top-level tasks in time order: what the page did between navigation and the paint, by Chromium's own account.
 */
export async function traceIf(page: Page, phase: string): Promise<{ stop: () => Promise<void> }> {
  if (process.env.SNN_BENCH_TRACE !== phase) return { stop: async () => undefined };
  const browser = page.context().browser();
  if (!browser) return { stop: async () => undefined };
  const file = process.env.SNN_BENCH_TRACE_FILE ?? `/tmp/snn-bench-${phase}.trace.json`;
  await browser.startTracing(page, {
    path: file,
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'blink.user_timing',
      'loading',
      'v8.execute',
      'disabled-by-default-v8.compile',
      // More when asked (comma-separated), e.g. SNN_BENCH_TRACE_CATEGORIES=blink,toplevel,v8.
      ...(process.env.SNN_BENCH_TRACE_CATEGORIES?.split(',').filter(Boolean) ?? []),
    ],
  });
  return {
    stop: async () => {
      await browser.stopTracing();
      console.log(`    trace of the page (${phase}) written to ${file}`);
    },
  };
}
