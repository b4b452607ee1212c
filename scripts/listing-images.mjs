#!/usr/bin/env node
// @ts-check
// Re-creates the Marketplace listing's and the Get Started walkthrough's images (media/listing/*.webp) the way an
// installed user sees SNN Lab: `npm run package`, install the .vsix into a fresh code-server profile, open an empty
// folder, then follow the 5-minute tour in headless Chromium: open an example, run it, the dashboard's tabs, the
// theory explorer, YAML completion, the CLI in a terminal. Offline; ~3-5 min on 2 cores.
// Usage: node scripts/listing-images.mjs [--out media/listing]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findWebviewFrame, poll, runCommand } from './e2e/browser.mjs';
import { ensureCodeServer, REPO_ROOT } from './e2e/codeServer.mjs';
import { installVsix, makeScratch, removeOnExit } from './e2e/server.mjs';
import { ARTIFACTS, openWorkbench } from './e2e/workbench.mjs';
import { packageExtension } from './package.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('../webview/dashboard/testHook.ts').TestHook} TestHook */

/** The images, in tour order; the listing README and the walkthrough use these names. */
export const LISTING_IMAGES = [
  'editor',
  'runs',
  'layers',
  'curves',
  'distributions',
  'fixed-point',
  'theory',
  'yaml-completion',
  'terminal',
];

const outAt = process.argv.indexOf('--out');
const OUT = resolve(outAt >= 0 ? (process.argv[outAt + 1] ?? '') : join(REPO_ROOT, 'media', 'listing'));
const isDashboard = () => !!window.__snnLab;
const isSidebar = () => !!document.querySelector('.run-groups');

/**
 * Saves the page as `<name>.webp` in OUT after the UI settles, scaled to 960 px wide (the Marketplace page shows
 * README images narrower than that). WebP (encoded by Chromium itself, quality 0.7) is about half the size of PNG
 * for these screenshots; with the scaling the nine images take 0.36 MiB and the .vsix stays within 3 MB.
 * @param {Page} page
 * @param {string} name
 */
async function shot(page, name) {
  await page.mouse.move(1, 1);
  await page.waitForTimeout(700);
  const png = await page.screenshot();
  const encoder = await page.context().newPage();
  try {
    const dataUrl = await encoder.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const scale = Math.min(1, 960 / image.width);
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      const context = canvas.getContext('2d');
      if (context) context.imageSmoothingQuality = 'high';
      context?.drawImage(image, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL('image/webp', 0.7);
    }, png.toString('base64'));
    if (!dataUrl.startsWith('data:image/webp')) throw new Error('this Chromium cannot encode WebP');
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${name}.webp`), Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  } finally {
    await encoder.close();
  }
  console.log(`  ${name}.webp`);
}

/**
 * Runs a palette command that opens a quick pick, then picks the row with `row`'s text.
 * @param {Page} page
 * @param {string} command
 * @param {string} row
 */
async function pick(page, command, row) {
  await runCommand(page, command);
  const item = page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first();
  await item.waitFor({ timeout: 15_000 });
  await item.click();
}

/**
 * Clicks a code lens of the active editor by its text.
 * @param {Page} page
 * @param {string | RegExp} text
 */
async function clickLens(page, text) {
  const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: text }).first();
  await lens.waitFor({ timeout: 60_000 });
  await lens.click();
}

/** @param {Frame} dash @param {string} prefix */
const chartsDrawn = (dash, prefix) =>
  poll(
    async () => {
      const charts = await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).charts());
      const drawn = Object.entries(charts).filter(
        ([id, c]) => id.startsWith(prefix) && c.points.some((n) => n > 0),
      );
      return drawn.length > 0 ? drawn : undefined;
    },
    { timeout: 60_000, message: `${prefix} charts drawn` },
  );

/**
 * Selects a dashboard tab (by its id, as the tab list's buttons carry it) and waits for its charts.
 * @param {Page} page
 * @param {string} tab
 * @param {string} prefix
 */
async function dashboardTab(page, tab, prefix) {
  const dash = await findWebviewFrame(page, isDashboard, { what: 'the dashboard webview' });
  // With the example's 6 runs the "Compared runs" table fills the view: fold it (as a reader would) and
  // scroll the tab bar to the top, so the image shows the tab's charts.
  const table = dash.locator('details.runs-box[open] > summary');
  if ((await table.count()) > 0) await table.first().click();
  await dash.locator(`[role="tab"][data-tab="${tab}"]`).first().click();
  await chartsDrawn(dash, prefix);
  await dash
    .locator('[role="tablist"]')
    .first()
    .evaluate((list) => list.scrollIntoView({ block: 'start' }));
}

/** @param {Page} page @param {string} folder the workspace */
async function tour(page, folder) {
  await pick(page, 'SNN Lab: Open Example', 'snn-vs-relu-bn-mnist.snn.json');
  await page
    .locator('.contentWidgets .codelens-decoration a', { hasText: 'Run' })
    .first()
    .waitFor({ timeout: 60_000 });
  await shot(page, 'editor');

  await page.locator('.activitybar .action-item a[aria-label^="SNN Lab"]').first().click();
  await clickLens(page, /^\s*Run\s*$/);
  const sidebarRows = async () =>
    (await findWebviewFrame(page, isSidebar, { what: 'the sidebar' })).evaluate(() =>
      [...document.querySelectorAll('li.run .badge')].map((b) => b.textContent?.trim() ?? ''),
    );
  await poll(async () => ((await sidebarRows()).includes('running') ? true : undefined), {
    timeout: 90_000,
    message: 'a run running',
  });
  await page.locator('.notification-toast', { hasText: 'runs done' }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(4000);
  await shot(page, 'runs');
  await poll(
    async () => {
      const rows = await sidebarRows();
      return rows.length === 6 && rows.every((s) => s === 'finished') ? true : undefined;
    },
    { timeout: 900_000, message: "the example's 6 runs (2 variants x 3 repeats) finished" },
  );
  await runCommand(page, 'Notifications: Clear All Notifications');
  await clickLens(page, 'Open dashboard');
  await dashboardTab(page, 'layers', 'layers:');
  await shot(page, 'layers');
  await dashboardTab(page, 'curves', 'curves');
  await shot(page, 'curves');
  await dashboardTab(page, 'distributions', 'dist');
  await shot(page, 'distributions');
  await dashboardTab(page, 'fixedPoint', 'fixed');
  await shot(page, 'fixed-point');
  await runCommand(page, 'SNN Lab: Open Theory Explorer');
  const dash = await findWebviewFrame(page, isDashboard, { what: 'the dashboard webview' });
  await chartsDrawn(dash, 'theory');
  await shot(page, 'theory');

  await pick(page, 'SNN Lab: Open Example', 'depth-sweep.snn.yaml');
  await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Terminal: Create New Terminal');
  // The DOM renderer (gpuAcceleration off, set in the profile) keeps the terminal's text readable here.
  const rows = page.locator('.terminal-wrapper .xterm-rows').first();
  await rows.waitFor({ timeout: 30_000 });
  await poll(async () => (/[#$]\s*$/.test((await rows.innerText()).trim()) ? true : undefined), {
    message: 'the shell prompt',
  });
  await page.keyboard.type("PS1='$ '; clear\n", { delay: 10 });
  await page.waitForTimeout(1000);
  await page.keyboard.type('snn-lab --version\n', { delay: 20 });
  await rows
    .getByText(/^0\.\d+\.\d+/)
    .first()
    .waitFor({ timeout: 30_000 });
  await page.keyboard.type('snn-lab validate depth-sweep.snn.yaml\n', { delay: 20 });
  await rows.getByText('ok, 36 runs').first().waitFor({ timeout: 60_000 });
  // The runs the tour trained in the editor, listed from the same run store.
  await page.keyboard.type('snn-lab runs list\n', { delay: 20 });
  await rows.getByText('SNN#r2').first().waitFor({ timeout: 60_000 });
  await shot(page, 'terminal');
  await runCommand(page, 'View: Toggle Panel Visibility');
  await runCommand(page, 'Notifications: Clear All Notifications');
  await pick(page, 'SNN Lab: Open Example', 'depth-sweep.snn.yaml'); // opens the copy made above
  // A new line under `width: 64` in the model section, reached with Go to Line.
  const text = readFileSync(join(folder, 'depth-sweep.snn.yaml'), 'utf8');
  const line = text.split('\n').findIndex((l) => l.trim() === 'width: 64') + 1;
  await page.keyboard.press('Control+g');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('act', { delay: 80 });
  await page.keyboard.press('Control+Space');
  const suggestion = page
    .locator('.suggest-widget .monaco-list-row.focused', { hasText: 'activation' })
    .first();
  await suggestion.waitFor({ timeout: 30_000 });
  // "Read More" shows the focused item's description (the schema's) beside the list.
  await suggestion.locator('.readMore').dispatchEvent('click');
  await page.locator('.suggest-details', { hasText: 'Values' }).first().waitFor({ timeout: 10_000 });
  await shot(page, 'yaml-completion');
  await page.keyboard.press('Escape');
}

async function main() {
  await ensureCodeServer();
  const work = removeOnExit(mkdtempSync(join(tmpdir(), 'snn-lab-listing-')));
  const folder = join(work, 'my-experiments');
  mkdirSync(folder);
  console.log('packaging the extension (production build)…');
  // The listing's links are not checked here: this run makes the images they point at.
  const { vsix } = packageExtension({ out: join(work, 'snn-lab.vsix'), log: () => {}, checkLinks: false });
  const scratch = makeScratch({
    prefix: 'snn-lab-listing-profile-',
    settings: { 'terminal.integrated.gpuAcceleration': 'off' },
  });
  installVsix(vsix, scratch);
  const wb = await openWorkbench({ folder, scratch, width: 1200, height: 760 });
  let failed = false;
  try {
    console.log(`writing ${OUT}/`);
    await tour(wb.page, folder);
  } catch (err) {
    failed = true;
    mkdirSync(ARTIFACTS, { recursive: true });
    await wb.page.screenshot({ path: join(ARTIFACTS, 'listing-fail.png') }).catch(() => {});
    throw err;
  } finally {
    await wb.close(failed);
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(`listing images: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
