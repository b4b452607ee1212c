// @ts-check
// Steps the UI tests take in the workbench as a person would: open the SNN Lab sidebar from the activity bar, find the
// sidebar and dashboard webviews, wait for a code lens and click it; a step wrapper that screenshots a failed step;
// and the before/after frame of a test file (useWorkbench). Each wait names what it waited for when it gives up
// (docs/testing.md, "Writing a reliable e2e wait").
import { after, before } from 'node:test';
import { findWebviewFrame, screenshot } from '../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../scripts/e2e/codeServer.mjs';
import { copyExamples, removeExamplesCopy } from '../../scripts/e2e/hostBuild.mjs';
import { ARTIFACTS, openWorkbench } from '../../scripts/e2e/workbench.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */
/** window.__snnLab of the dashboard webview (declares it on Window). */
/** @typedef {import('../../webview/dashboard/testHook.ts').TestHook} TestHook */

/** True inside the SNN Lab sidebar webview (evaluated in each frame). */
export const isSidebar = () => !!document.querySelector('.run-groups');
/** True inside the dashboard webview (evaluated in each frame). */
export const isDashboard = () => !!window.__snnLab;

/**
 * Shows the SNN Lab sidebar with a click on its activity bar icon, unless it is shown already (a second click on
 * the icon of the shown view hides it).
 * @param {Page} page
 */
export async function openSidebar(page) {
  const icon = page.locator('.activitybar .action-item a[aria-label^="SNN Lab"]').first();
  await icon.waitFor({ timeout: 60_000 });
  const shown = await page.locator('.activitybar .action-item.checked a[aria-label^="SNN Lab"]').count();
  if (shown === 0) await icon.click();
}

/**
 * The SNN Lab sidebar webview's content frame.
 * @param {Page} page
 * @param {{ timeout?: number }} [options]
 */
export const sidebarFrame = (page, { timeout } = {}) =>
  findWebviewFrame(page, isSidebar, { timeout, what: 'the SNN Lab sidebar webview' });

/** The dashboard webview's content frame. @param {Page} page */
export const dashboardFrame = (page) =>
  findWebviewFrame(page, isDashboard, { what: 'the dashboard webview' });

/** A code lens (`.codelens-decoration a`: one with a command; a lens shown from VS Code's cache is a bare span). */
const LENS = '.contentWidgets .codelens-decoration a';

/**
 * The first visible code lens with this text in `scope` (the page, or one editor group); hidden editors keep their
 * lenses in the DOM, so only visible ones count.
 * @param {Page | Locator} scope
 * @param {string | RegExp} text
 */
export const codeLens = (scope, text) => scope.locator(`${LENS}:visible`, { hasText: text }).first();

/**
 * The texts of the visible code lenses in `scope`.
 * @param {Page | Locator} scope
 */
export const lensTexts = (scope) => scope.locator(`${LENS}:visible`).allTextContents();

/**
 * Waits until a visible code lens with this text is shown and returns it; gives up after `timeout` ms with an error
 * naming the lens (`what`) and the lenses shown instead.
 * @param {Page | Locator} scope
 * @param {string | RegExp} text
 * @param {{ timeout?: number, what?: string }} [options]
 */
export async function waitForLens(scope, text, { timeout = 60_000, what = `the "${text}" code lens` } = {}) {
  const lens = codeLens(scope, text);
  try {
    await lens.waitFor({ timeout });
  } catch {
    const shown = await lensTexts(scope).catch(() => []);
    throw new Error(
      `${what} was not shown within ${timeout / 1000} s (lenses shown: ${shown.map((t) => `"${t.trim()}"`).join(', ') || 'none'})`,
    );
  }
  return lens;
}

/**
 * Clicks into the editor's text, then clicks its code lens with this text once it is shown, as a person would.
 * The first click matters: VS Code asks for an editor's lenses again when the editor gets focus, and drops a pending
 * request when it loses focus (to the sidebar, a split), so such an editor shows no lens, or only the cached titles
 * that no click runs (a span, not a link), until it is focused again.
 * @param {Page | Locator} scope the page (one editor shown) or one editor group
 * @param {string | RegExp} text
 * @param {{ timeout?: number, what?: string }} [options]
 */
export async function clickLens(scope, text, options) {
  await scope.locator('.monaco-editor .view-lines:visible').first().click();
  await (await waitForLens(scope, text, options)).click();
}

/**
 * A wrapper for test steps: a step that throws saves `<name>-fail.png` of the page in test-artifacts/e2e and calls
 * `onFail(name)` (so the suite's after() knows a step failed) before the error goes on.
 * @param {() => Page} page
 * @param {(name: string) => void} onFail
 * @returns {(name: string, fn: () => Promise<void>) => () => Promise<void>}
 */
export const stepTracker = (page, onFail) => (name, fn) => async () => {
  try {
    await fn();
  } catch (err) {
    onFail(name);
    await screenshot(page(), ARTIFACTS, `${name}-fail`).catch(() => {});
    throw err;
  }
};

/**
 * @typedef {object} WorkbenchSuite
 * @property {import('../../scripts/e2e/workbench.mjs').Workbench} wb VS Code, opened by before()
 * @property {string} ws the copy of the examples it has open, made by before()
 * @property {(name: string, fn: () => Promise<void>) => () => Promise<void>} track a step that screenshots its failure
 */

/**
 * The frame every UI test file shares: before() copies the examples, lets `prepare` add to the copy (it may return
 * a scratch profile for openWorkbench) and opens VS Code on it; after() runs `cleanup`, closes VS Code (keeping its
 * log when a step failed) and removes the copy.
 * @param {{ prepare?: (ws: string) => { scratch?: import('../../scripts/e2e/server.mjs').Scratch } | void,
 *   cleanup?: () => void }} [options]
 * @returns {WorkbenchSuite}
 */
export function useWorkbench({ prepare, cleanup } = {}) {
  /** @type {string | undefined} */
  let failedStep;
  const suite = /** @type {WorkbenchSuite} */ ({
    track: stepTracker(
      () => suite.wb.page,
      (name) => (failedStep ??= name),
    ),
  });
  before(async () => {
    suite.ws = copyExamples();
    const { scratch } = prepare?.(suite.ws) ?? {};
    suite.wb = await openWorkbench({
      folder: suite.ws,
      devPath: REPO_ROOT,
      scratch,
      env: { SNN_LAB_E2E: '1' },
    });
  });
  after(async () => {
    cleanup?.();
    await suite.wb?.close(failedStep !== undefined);
    if (suite.ws) removeExamplesCopy(suite.ws);
  });
  return suite;
}
