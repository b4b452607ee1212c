// @ts-check
// The New Experiment and Export dialogs in a real VS Code workbench (VS Code's own file dialog of the browser
// workbench): New Experiment proposes a file name no experiment of the folder uses and warns, before writing, when
// the chosen name clashes with another experiment's; Export is titled with the run's name and proposes the run's
// experiment folder, then the folder last exported to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openFile, poll, runCommand, screenshot } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { ARTIFACTS } from '../../../scripts/e2e/workbench.mjs';
import { clickLens, dashboardFrame, useWorkbench } from '../workbenchSteps.mjs';

/** @typedef {import('playwright-core').Page} Page */

/** The open quick input: its title and the text in its box. @param {Page} page */
async function quickInput(page) {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  const title = (await widget.locator('.quick-input-title').textContent()) ?? '';
  const value = await widget.locator('.quick-input-box input').inputValue();
  return { title: title.trim(), value };
}

/**
 * Waits for the quick input whose title matches `title` and returns it; with `file`, until its box holds a file
 * name (VS Code's save dialog shows the folder first, then adds the proposed file name).
 * @param {Page} page
 * @param {RegExp} title
 * @param {{ file?: boolean }} [options]
 */
const dialogTitled = (page, title, { file = false } = {}) =>
  poll(
    async () => {
      const q = await quickInput(page).catch(() => undefined);
      return q && title.test(q.title) && (!file || /\.[a-z]+$/.test(q.value)) ? q : undefined;
    },
    { timeout: 30_000, message: `a dialog titled ${title}${file ? ' proposing a file' : ''}` },
  );

/**
 * Picks a row of the open quick pick by its label, with one click.
 * @param {Page} page
 * @param {string} label
 */
async function pickRow(page, label) {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

describe('New Experiment and Export dialogs', { timeout: 600_000 }, () => {
  const suite = useWorkbench({
    prepare: (ws) => {
      const cli = spawnSync(
        process.execPath,
        [
          join(REPO_ROOT, 'dist', 'cli.js'),
          'run',
          join(ws, 'moons-quick.snn.json'),
          '--runs-dir',
          join(ws, '.snn-lab', 'runs'),
        ],
        { encoding: 'utf8' },
      );
      assert.equal(cli.status, 0, cli.stderr);
    },
  });

  it(
    'New Experiment proposes a free file name and warns before saving under a clashing experiment name',
    suite.track('dialogs-01-new', async () => {
      const { page } = suite.wb;
      const before = readdirSync(suite.ws).sort();
      await runCommand(page, 'SNN Lab: New Experiment');
      await dialogTitled(page, /New Experiment/);
      await pickRow(page, 'Depth sweep');
      // depth-sweep.snn.yaml names its experiment "depth-sweep": the proposal is another name.
      const save = await dialogTitled(page, /Save the new experiment/, { file: true });
      assert.match(save.value, /depth-sweep-2\.snn\.json$/, `proposed ${save.value}`);
      await screenshot(page, ARTIFACTS, 'dialogs-01-new-proposed');
      // The user types the clashing name instead: a warning names the other file, and nothing is written.
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.fill(save.value.replace(/depth-sweep-2\.snn\.json$/, 'depth-sweep.snn.json'));
      await page.keyboard.press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(
        (await dialog.textContent()) ?? '',
        /depth-sweep\.snn\.yaml in this folder is also named "depth-sweep"/,
      );
      await screenshot(page, ARTIFACTS, 'dialogs-01-new-clash');
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 15_000 });
      assert.deepEqual(readdirSync(suite.ws).sort(), before, 'nothing written after Cancel');
      // Accepting the proposal writes and opens the file, its experiment named after it.
      await runCommand(page, 'SNN Lab: New Experiment');
      await dialogTitled(page, /New Experiment/);
      await pickRow(page, 'Depth sweep');
      await dialogTitled(page, /Save the new experiment/, { file: true });
      await page.keyboard.press('Enter');
      const created = join(suite.ws, 'depth-sweep-2.snn.json');
      await poll(() => existsSync(created), { message: 'depth-sweep-2.snn.json written' });
      assert.match(readFileSync(created, 'utf8'), /"name": "depth-sweep-2"/);
      await page.locator('.tabs-container .tab', { hasText: 'depth-sweep-2.snn.json' }).first().waitFor();
    }),
  );

  it(
    'Export is titled with the run name and proposes the experiment folder, then the folder last used',
    suite.track('dialogs-02-export', async () => {
      const { page } = suite.wb;
      await openFile(page, 'moons-quick.snn.json');
      await clickLens(page, 'Open dashboard', {
        what: 'the Open dashboard code lens of moons-quick.snn.json',
      });
      const dash = await dashboardFrame(page);
      // The Export button of the run's row in the compared-runs table.
      const exportButton = dash.locator('button.row-button', { hasText: /^Export$/ }).first();
      await exportButton.waitFor({ timeout: 30_000 });
      const label = (await exportButton.getAttribute('title')) ?? '';
      const runName = label.replace(/^Export /, '');
      assert.equal(runName, 'moons-quick', `the button names its run: "${label}"`);
      await exportButton.click();
      const picker = await dialogTitled(page, /^Export /);
      assert.equal(picker.title, `Export ${runName}`);
      assert.doesNotMatch(picker.title, /\d{8}-\d{6}/, 'titled with the name, not the run id');
      await pickRow(page, 'Metrics (CSV)');
      const first = await dialogTitled(page, /Metrics \(CSV\)/, { file: true });
      assert.equal(first.title, `Export ${runName}: Metrics (CSV)`);
      assert.ok(
        first.value.startsWith(`${suite.ws}/`),
        `proposed in the experiment's folder: ${first.value}`,
      );
      assert.ok(!first.value.includes('.snn-lab'), 'never inside the run store');
      await screenshot(page, ARTIFACTS, 'dialogs-02-export-first');
      // Save into another folder.
      const exports = join(suite.ws, 'exports');
      mkdirSync(exports);
      const fileName = first.value.split('/').at(-1) ?? 'metrics.csv';
      const widget = page.locator('.quick-input-widget');
      await widget.locator('.quick-input-box input').fill(join(exports, fileName));
      // Typing a path into another folder makes the dialog list that folder first (an Enter pressed meanwhile only
      // navigates); once it lists the empty exports folder (just ".."), OK saves, as a person would click it.
      await poll(
        async () => {
          const rows = await widget.locator('.quick-input-list .monaco-list-row:visible').allTextContents();
          if (rows.some((r) => r.includes('..')) && !rows.some((r) => r.includes('.snn.'))) return true;
          throw new Error(`rows ${JSON.stringify(rows)}`);
        },
        { timeout: 30_000, message: 'the save dialog listing the exports folder' },
      );
      await widget.locator('.monaco-button', { hasText: /^OK$/ }).click();
      await poll(() => existsSync(join(exports, fileName)), { message: `${fileName} written` });
      assert.match(readFileSync(join(exports, fileName), 'utf8'), /^step,epoch,time,/);
      // The next export proposes the folder last exported to.
      await exportButton.click();
      await dialogTitled(page, /^Export /);
      await pickRow(page, 'Layer statistics (CSV)');
      const second = await dialogTitled(page, /Layer statistics \(CSV\)/, { file: true });
      assert.ok(second.value.startsWith(`${exports}/`), `proposed in the last-used folder: ${second.value}`);
      await screenshot(page, ARTIFACTS, 'dialogs-02-export-second');
      await page.keyboard.press('Escape');
    }),
  );
});
