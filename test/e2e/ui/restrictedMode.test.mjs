// @ts-check
// Restricted Mode in a real VS Code workbench (workspace trust on, the folder not trusted): the code lens says that
// running needs trust instead of offering Run, the palette offers no run/stop/delete command, the sidebar says what
// works and offers no Stop on a run the workspace's files claim is running (a crafted meta.json naming a live
// process); trusting the
// folder from the lens brings Run, Stop and the commands back at once, without a reload.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openFile, poll, screenshot } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { makeScratch } from '../../../scripts/e2e/server.mjs';
import { ARTIFACTS } from '../../../scripts/e2e/workbench.mjs';
import { clickLens, lensTexts, openSidebar, sidebarFrame, useWorkbench } from '../workbenchSteps.mjs';

/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('playwright-core').Page} Page */

/** The sentence every Restricted Mode surface shows (src/host/contributionIds.ts). */
const RESTRICTED_TEXT = /Restricted Mode: past runs, dashboards, problems and exports work/;
const CRAFTED = 'crafted-running-run';

/** Sidebar rows: name, status badge and the buttons offered. @param {Frame} frame */
const sidebarRows = (frame) =>
  frame.evaluate(() =>
    [...document.querySelectorAll('li.run')].map((li) => ({
      name: li.getAttribute('data-name') ?? '',
      status: li.querySelector('.badge')?.textContent?.trim(),
      buttons: [...li.querySelectorAll('button.button')].map((b) => b.textContent?.trim() ?? ''),
    })),
  );

/**
 * The palette rows offered for `query` (typed after ">"), then closes the palette.
 * @param {Page} page
 * @param {string} query
 */
async function paletteRows(page, query) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(`>${query}`);
  await page.waitForTimeout(800);
  const rows = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
  await page.keyboard.press('Escape');
  return rows;
}

describe('Restricted Mode in the VS Code workbench', { timeout: 600_000 }, () => {
  /** A live process the crafted run names as its owner. */
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });

  const suite = useWorkbench({
    prepare: (ws) => {
      // A finished run made by the CLI, and a copy whose meta.json claims a running Slurm job.
      const runsDir = join(ws, '.snn-lab', 'runs');
      const cli = spawnSync(
        process.execPath,
        [join(REPO_ROOT, 'dist', 'cli.js'), 'run', join(ws, 'moons-quick.snn.json'), '--runs-dir', runsDir],
        { encoding: 'utf8' },
      );
      assert.equal(cli.status, 0, cli.stderr);
      const [finished] = readdirSync(runsDir);
      assert.ok(finished);
      cpSync(join(runsDir, finished), join(runsDir, CRAFTED), { recursive: true });
      const metaFile = join(runsDir, CRAFTED, 'meta.json');
      const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
      Object.assign(meta, {
        runId: CRAFTED,
        name: CRAFTED,
        status: 'running',
        owner: { pid: sleeper.pid, hostname: hostname() },
      });
      writeFileSync(metaFile, JSON.stringify(meta));
      const scratch = makeScratch({
        settings: {
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
        },
      });
      return { scratch };
    },
    cleanup: () => {
      sleeper.kill();
    },
  });

  it(
    'an untrusted folder: the lens and the sidebar say what works; run, stop and delete are not offered',
    suite.track('restricted-01', async () => {
      const { page } = suite.wb;
      await openFile(page, 'moons-quick.snn.json');
      const lenses = await poll(
        async () => {
          const texts = await lensTexts(page);
          return texts.some((t) => /Restricted Mode: trust this folder to run/.test(t)) ? texts : undefined;
        },
        { timeout: 60_000, message: 'the Restricted Mode code lens' },
      );
      assert.ok(!lenses.some((t) => /^\s*(Run|Probe|Run study)\b/.test(t)), `lenses: ${lenses.join(' | ')}`);
      assert.ok(
        lenses.some((t) => /Open dashboard/.test(t)),
        'viewing stays available',
      );
      const rows = await paletteRows(page, 'SNN Lab: ');
      assert.ok(
        rows.some((r) => /Open Theory Explorer/.test(r)),
        `palette: ${rows.join(' | ')}`,
      );
      for (const hidden of [
        'Run Experiment',
        'Run Sweep',
        'Run Study',
        'Run Variant',
        'Probe at Init',
        'Delete Run',
      ]) {
        assert.ok(
          !rows.some((r) => r.includes(hidden)),
          `"${hidden}" offered in Restricted Mode: ${rows.join(' | ')}`,
        );
      }
      await openSidebar(page);
      const sidebar = await sidebarFrame(page);
      const note = await poll(() => sidebar.locator('p.restricted').textContent(), {
        message: 'the sidebar Restricted Mode note',
      });
      assert.match(note ?? '', RESTRICTED_TEXT);
      assert.ok(await sidebar.locator('p.restricted').isVisible());
      const crafted = await poll(async () => (await sidebarRows(sidebar)).find((r) => r.name === CRAFTED), {
        timeout: 30_000,
        message: 'the crafted run in the sidebar',
      });
      assert.equal(crafted.status, 'running');
      assert.ok(!crafted.buttons.some((b) => /Stop/.test(b)), `buttons: ${crafted.buttons.join(', ')}`);
      await screenshot(page, ARTIFACTS, 'restricted-01-untrusted');
    }),
  );

  it(
    'trusting the folder from the lens brings Run, Stop and the run commands back at once',
    suite.track('restricted-02', async () => {
      const { page } = suite.wb;
      await openFile(page, 'moons-quick.snn.json');
      await clickLens(page, 'Restricted Mode: trust this folder to run');
      // The Workspace Trust editor: one click on its Trust button.
      const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
      await trust.waitFor({ timeout: 30_000 });
      await trust.click();
      // Back to the experiment with one click on its tab (the trust editor stays open in front of it).
      await page.locator('.tabs-container .tab', { hasText: 'moons-quick.snn.json' }).first().click();
      const lenses = await poll(
        async () => {
          const texts = await lensTexts(page);
          return texts.some((t) => /^\s*Run\b/.test(t)) ? texts : undefined;
        },
        { timeout: 30_000, message: 'the Run lens after trusting' },
      );
      assert.ok(!lenses.some((t) => /Restricted Mode/.test(t)), `lenses: ${lenses.join(' | ')}`);
      const rows = await paletteRows(page, 'SNN Lab: Run');
      assert.ok(
        rows.some((r) => r.includes('Run Experiment')),
        `palette: ${rows.join(' | ')}`,
      );
      const sidebar = await sidebarFrame(page);
      await poll(async () => !(await sidebar.locator('p.restricted').isVisible()), {
        message: 'the sidebar note gone',
      });
      const crafted = await poll(
        async () => {
          const row = (await sidebarRows(sidebar)).find((r) => r.name === CRAFTED);
          return row?.buttons.some((b) => /Stop/.test(b)) ? row : undefined;
        },
        { timeout: 30_000, message: 'Stop offered on the running run once trusted' },
      );
      assert.equal(crafted.status, 'running');
      await screenshot(page, ARTIFACTS, 'restricted-02-trusted');
    }),
  );
});
