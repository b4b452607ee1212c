// @ts-check
// Steps the UI tests take in the workbench as a person would: open the SNN Lab sidebar from the activity bar, find the
// sidebar and dashboard webviews, click a code lens by its text; and a step wrapper that screenshots a failed step.
import { findWebviewFrame, screenshot } from '../../scripts/e2e/browser.mjs';
import { ARTIFACTS } from '../../scripts/e2e/workbench.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */
/** window.__snnLab of the dashboard webview (declares it on Window). */
/** @typedef {import('../../webview/dashboard/testHook.ts').TestHook} TestHook */

/** True inside the SNN Lab sidebar webview (evaluated in each frame). */
export const isSidebar = () => !!document.querySelector('.run-groups');
/** True inside the dashboard webview (evaluated in each frame). */
export const isDashboard = () => !!window.__snnLab;

/** Clicks SNN Lab in the activity bar, which shows its sidebar. @param {Page} page */
export async function openSidebar(page) {
  await page.locator('.activitybar .action-item a[aria-label^="SNN Lab"]').first().click();
}

/** The SNN Lab sidebar webview's content frame. @param {Page} page */
export const sidebarFrame = (page) =>
  findWebviewFrame(page, isSidebar, { what: 'the SNN Lab sidebar webview' });

/** The dashboard webview's content frame. @param {Page} page */
export const dashboardFrame = (page) =>
  findWebviewFrame(page, isDashboard, { what: 'the dashboard webview' });

/**
 * The first visible code lens with this text in `scope` (the page, or one editor group); hidden editors keep their
 * lenses in the DOM, so only visible ones count.
 * @param {Page | Locator} scope
 * @param {string | RegExp} text
 */
export const codeLens = (scope, text) =>
  scope.locator('.contentWidgets .codelens-decoration a:visible', { hasText: text }).first();

/**
 * Clicks a visible code lens by its text once it is shown.
 * @param {Page | Locator} scope
 * @param {string | RegExp} text
 */
export async function clickLens(scope, text) {
  const lens = codeLens(scope, text);
  await lens.waitFor({ timeout: 30_000 });
  await lens.click();
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
