/**
 * Browser-test harness: a static server on 127.0.0.1 that serves the dashboard/sidebar page built by the same
 * buildHtml (same CSP) as the extension, with a recorded stream injected for the replay transport, and a Chromium
 * launcher that fails (never skips) when Debian's chromium is missing.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildHtml, newNonce } from '../../src/host/webviews/html';
import { firstScript } from '../../src/host/webviews/firstSnapshotFile';
import type { HostToWebview } from '../../src/protocol/webview';
import type {} from '../../webview/dashboard/testHook';
import type {} from '../../webview/shared/transport';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** The repository root (where package.json is), found from this bundle's location. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'webview'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const ROOT = repoRoot();
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'webview');

/** Reads a recorded stream (JSON Lines) from test/fixtures/streams. */
export function readStream(name: string): HostToWebview[] {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'streams', `${name}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HostToWebview);
}

/** Launches Debian's Chromium headless; a missing binary is a test failure with the install command. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; install it with: apt-get update && apt-get install -y chromium`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
};
const SERVED = ['dist/webview', 'media', 'test/webview'];

export interface TestServer {
  origin: string;
  /** Registers an in-memory stream under a name (pages load it as /fixture/<name>.js). */
  addStream(name: string, messages: readonly HostToWebview[]): void;
  /**
   * Registers a first message, served as the script DashboardPanels writes (see buildHtml's `firstScript`); pages load
   * it with url(..., first).
   */
  addFirst(name: string, message: HostToWebview): void;
  url(view: 'dashboard' | 'sidebar', stream: string, first?: string): string;
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Where the page's `dist/webview/*.js` come from (default: the repository's dist/webview, the development build). */
  webviewDir?: string;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const streams = new Map<string, string>();
  const firsts = new Map<string, string>();
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const page = /^\/(dashboard|sidebar)\.html$/.exec(url.pathname);
    if (page) {
      const view = page[1] as 'dashboard' | 'sidebar';
      const stream = url.searchParams.get('stream') ?? '';
      const first = firsts.get(url.searchParams.get('first') ?? '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        buildHtml({
          // One key per registered message (its name), as VS Code serves a panel's document from the same HTML each time.
          ...(first
            ? { firstScript: `${origin}/first/${encodeURIComponent(url.searchParams.get('first') ?? '')}.js` }
            : {}),
          cspSource: origin,
          nonce: newNonce(),
          title: `SNN Lab ${view} (replay)`,
          view,
          scripts: [
            `${origin}/fixture/${encodeURIComponent(stream)}.js`,
            `${origin}/dist/webview/${view}.js`,
          ],
          styles: [`${origin}/test/webview/vscode-dark.css`, `${origin}/media/${view}.css`],
        }),
      );
      return;
    }
    const firstFile = /^\/first\/(.+)\.js$/.exec(url.pathname);
    if (firstFile) {
      const name = decodeURIComponent(firstFile[1] as string);
      const script = firsts.get(name);
      res.writeHead(script === undefined ? 404 : 200, { 'content-type': 'text/javascript' });
      // The script DashboardPanels writes (made when registered: the host writes it before the page asks).
      res.end(script ?? '');
      return;
    }
    const fixture = /^\/fixture\/(.+)\.js$/.exec(url.pathname);
    if (fixture) {
      const name = decodeURIComponent(fixture[1] as string);
      const body = streams.get(name) ?? JSON.stringify(readStream(name));
      res.writeHead(200, { 'content-type': 'text/javascript' });
      // JSON.parse of a string, as VS Code delivers postMessage data (and faster than a 7 MB object literal).
      res.end(`window.__snnLabReplay = JSON.parse(${JSON.stringify(body)});`);
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (!SERVED.some((dir) => path.startsWith(`${dir}/`)) || path.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    const file =
      options.webviewDir !== undefined && path.startsWith('dist/webview/')
        ? join(options.webviewDir, path.slice('dist/webview/'.length))
        : resolve(ROOT, path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    addStream: (name, messages) => streams.set(name, JSON.stringify(messages)),
    addFirst: (name, message) => firsts.set(name, firstScript(name, message)),
    url: (view, stream, first) =>
      `${origin}/${view}.html?stream=${encodeURIComponent(stream)}${first === undefined ? '' : `&first=${encodeURIComponent(first)}`}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** Problems a page reported: page errors, console errors and CSP violations. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return problems;
}

/** Sets a select of the page to `value` and fires its change event, as choosing an option does. */
export async function choose(page: Page, selector: string, value: string): Promise<void> {
  await page.evaluate(
    ({ selector, value }) => {
      const sel = document.querySelector(selector) as HTMLElement & { value: string };
      sel.value = value;
      sel.dispatchEvent(new Event('change'));
    },
    { selector, value },
  );
}

/** Waits until the page received `count` messages and rendered all of them. */
export async function waitSettled(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const hook = window.__snnLab;
      return hook !== undefined && hook.received.length >= n && hook.settled() && hook.renders.length > 0;
    },
    count,
    { timeout: 20_000 },
  );
  await page.evaluate(() => new Promise<void>((ok) => requestAnimationFrame(() => ok())));
}

/** Saves a screenshot under test-artifacts/webview/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Starts Chromium and the test server before a test file's tests and closes both after them. */
export function useBrowser(): { readonly browser: Browser; readonly server: TestServer } {
  const fixture = {} as { browser: Browser; server: TestServer };
  before(async () => {
    fixture.browser = await launchChromium();
    fixture.server = await startServer();
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.close();
  });
  return fixture;
}
