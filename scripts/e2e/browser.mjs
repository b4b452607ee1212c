// @ts-check
// Drives Debian's Chromium with playwright-core: launch with a fresh profile, wait for the VS Code workbench,
// run palette commands (with the retry docs/e2e-notes.md prescribes), reach into webview iframes, take screenshots.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { forgetTempDir, removeOnExit } from './server.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Frame} Frame */
/** A launched browser (see launchBrowser). @typedef {Awaited<ReturnType<typeof launchBrowser>>} Browser */
/** Values `poll` keeps waiting through. @typedef {undefined | null | false | 0 | ''} Falsy */

const CANDIDATES = [process.env.SNN_LAB_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'];

/** Path of the Chromium binary, or an Error telling how to install it (never a silent skip). */
export function findChromium() {
  const chosen = process.env.SNN_LAB_CHROMIUM;
  if (chosen && !existsSync(chosen)) throw new Error(`SNN_LAB_CHROMIUM=${chosen} does not exist`);
  const found = CANDIDATES.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error(
      'Chromium not found (looked at $SNN_LAB_CHROMIUM, /usr/lib/chromium/chromium, /usr/bin/chromium). ' +
        'Install it with: sudo apt-get install -y chromium',
    );
  }
  return found;
}

/**
 * Launches headless Chromium with a fresh profile; close() also deletes the profile.
 * @param {{ width?: number, height?: number }} [options] viewport size in CSS pixels
 */
export async function launchBrowser({ width = 1400, height = 900 } = {}) {
  const profile = removeOnExit(mkdtempSync(join(tmpdir(), 'snn-lab-chromium-')));
  /** @type {import('playwright-core').BrowserContext} */
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: findChromium(),
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
      viewport: { width, height },
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
      forgetTempDir(profile);
    },
  };
}

/**
 * Opens the workbench at `url` and waits until it shows. The navigation waits only for the server's answer: the
 * page's load event (every workbench script fetched and run) is not what a person waits for, and took over 30 s
 * (playwright's default bound) at load 15.
 * @param {Page} page
 * @param {string} url
 */
export async function gotoWorkbench(page, url) {
  await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
  await waitForWorkbench(page);
}

/**
 * Waits for the workbench and its status bar (120 s; docs/e2e-notes.md step 3), then names what did not appear.
 * @param {Page} page
 * @param {{ timeout?: number }} [options]
 */
export async function waitForWorkbench(page, { timeout = 120_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (const [selector, what] of [
    ['.monaco-workbench', 'the VS Code workbench'],
    ['#workbench\\.parts\\.statusbar', "the workbench's status bar"],
  ]) {
    try {
      await page.locator(selector).waitFor({ timeout: Math.max(1000, deadline - Date.now()) });
    } catch {
      throw new Error(
        `${what} (${selector}) did not appear within ${timeout / 1000} s of opening ${page.url()}`,
      );
    }
  }
}

/**
 * Runs a command by its palette title (e.g. "SNN Lab: Open Dashboard"). F1 can be swallowed and remote
 * commands appear late, so each attempt that does not find the row is cancelled and retried.
 * @param {Page} page
 * @param {string} title
 * @param {{ attempts?: number }} [options]
 */
export async function runCommand(page, title, { attempts = 12 } = {}) {
  /** @type {Error | undefined} what playwright threw last */
  let lastError;
  for (let i = 0; i < attempts; i += 1) {
    try {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 3000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      return;
    } catch (err) {
      lastError = /** @type {Error} */ (err);
      await page.keyboard.press('Escape').catch(() => {});
      await page.waitForTimeout(500);
    }
  }
  throw new Error(`command "${title}" never appeared in the palette: ${lastError?.message ?? ''}`);
}

/**
 * FrameLocator for the content of a webview. Webviews are two nested iframes (host page → #active-frame);
 * `match` narrows the host frame, e.g. by its `title` or by `src*=` of the view type.
 * @param {Page} page
 * @param {string} [match] a CSS selector suffix for the host iframe
 */
export function webviewFrame(page, match = '') {
  return page.frameLocator(`iframe.webview.ready${match}`).frameLocator('#active-frame');
}

/**
 * Saves a full-window screenshot under `dir` and returns its path.
 * @param {Page} page
 * @param {string} dir
 * @param {string} name file name without `.png`
 */
export async function screenshot(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Polls `fn` until it returns a truthy value or `timeout` ms pass; returns the value or throws `message`.
 * @template T
 * @param {() => T | Promise<T>} fn
 * @param {{ timeout?: number, interval?: number, message?: string }} [options] times in ms
 * @returns {Promise<Exclude<T, Falsy>>}
 */
export async function poll(fn, { timeout = 30_000, interval = 250, message = 'condition' } = {}) {
  const until = Date.now() + timeout;
  /** @type {unknown} the last value or error */
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return /** @type {Exclude<T, Falsy>} */ (last);
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeout} ms waiting for ${message} (last: ${last})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Opens a workspace file by name through Quick Open (Ctrl+P), retrying like runCommand.
 * @param {Page} page
 * @param {string} name
 * @param {{ attempts?: number }} [options]
 */
export async function openFile(page, name, { attempts = 10 } = {}) {
  /** @type {Error | undefined} what playwright threw last */
  let lastError;
  for (let i = 0; i < attempts; i += 1) {
    try {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 3000 });
      await input.fill(name);
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: name })
        .first()
        .waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 10_000 });
      return;
    } catch (err) {
      lastError = /** @type {Error} */ (err);
      await page.keyboard.press('Escape').catch(() => {});
      await page.waitForTimeout(500);
    }
  }
  throw new Error(`could not open ${name} with Quick Open: ${lastError?.message ?? ''}`);
}

/**
 * True when a frame's iframe element, and every enclosing iframe, is visible (hidden webviews stay in the DOM).
 * @param {Frame} frame
 */
async function shown(frame) {
  // The loop condition has just checked that f.parentFrame() is not null.
  for (let f = frame; f.parentFrame(); f = /** @type {Frame} */ (f.parentFrame())) {
    const element = await f.frameElement().catch(() => undefined);
    if (!element || !(await element.isVisible())) return false;
  }
  return true;
}

/**
 * The playwright Frame of a visible webview's content (the inner #active-frame) for which `probe` (run inside the frame)
 * returns true, e.g. `() => !!window.__snnLab`. Frame objects allow evaluate(), which frameLocator does not.
 * @param {Page} page
 * @param {() => unknown} probe runs in the page: no closure over Node values
 * @param {{ timeout?: number, what?: string }} [options] `timeout` in ms; `what` names the webview in the error
 * @returns {Promise<Frame>}
 */
export async function findWebviewFrame(page, probe, { timeout = 30_000, what = 'webview' } = {}) {
  return poll(
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame() || frame.isDetached()) continue;
        const hit = await frame.evaluate(probe).catch(() => false);
        if (hit && (await shown(frame))) return frame;
      }
      return undefined;
    },
    { timeout, message: what },
  );
}
