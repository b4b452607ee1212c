// @ts-check
// UI tests of an installed user's first steps in a real VS Code workbench (code-server + headless Chromium): the
// Get Started walkthrough opens and its first step completes when its button is used.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { poll, runCommand, screenshot } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { removeOnExit } from '../../../scripts/e2e/server.mjs';
import { ARTIFACTS, openWorkbench } from '../../../scripts/e2e/workbench.mjs';
import { stepTracker } from '../workbenchSteps.mjs';

describe('first steps in the VS Code workbench', { timeout: 600_000 }, () => {
  /** @type {import('../../../scripts/e2e/workbench.mjs').Workbench} set by before() */
  let wb;
  /** @type {string} an empty folder, as a new user opens */
  let ws;
  /** @type {string | undefined} */
  let failedStep;

  before(async () => {
    ws = removeOnExit(mkdtempSync(join(tmpdir(), 'snn-lab-e2e-first-')));
    wb = await openWorkbench({ folder: ws, devPath: REPO_ROOT, env: { SNN_LAB_E2E: '1' } });
  });

  after(async () => {
    await wb?.close(failedStep !== undefined);
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  /** Runs a step; on failure saves `<name>-fail.png` at once. */
  const track = stepTracker(
    () => wb.page,
    (name) => (failedStep ??= name),
  );

  it(
    'Get Started opens the walkthrough, and its first step completes when its button opens an example',
    track('walkthrough', async () => {
      const { page } = wb;
      await runCommand(page, 'SNN Lab: Get Started');
      const walkthrough = page.locator('.gettingStartedContainer');
      await walkthrough.getByText('Get Started with SNN Lab').first().waitFor({ timeout: 30_000 });
      const step = page.locator('[data-step-id$="#openExample"]').first();
      await step.waitFor({ timeout: 30_000 });
      assert.equal(await step.getAttribute('aria-checked'), 'false', 'not done before the user acts');
      for (const id of ['run', 'layers', 'theory', 'writeYourOwn']) {
        assert.equal(await page.locator(`[data-step-id$="#${id}"]`).count(), 1, `step ${id} is listed`);
      }
      await step.click();
      await screenshot(page, ARTIFACTS, 'walkthrough-open');
      await page.locator('.getting-started-step.expanded', { hasText: 'Open an Example' }).first().waitFor();
      // The step itself is a button whose name holds its whole text: the step's own button is the exact name.
      await page.getByRole('button', { name: 'Open an Example', exact: true }).first().click();
      const row = page.locator('.quick-input-list .monaco-list-row', {
        hasText: 'snn-vs-relu-bn-mnist.snn.json',
      });
      await row.first().waitFor({ timeout: 15_000 });
      await row.first().click();
      await page
        .locator('.tabs-container .tab', { hasText: 'snn-vs-relu-bn-mnist.snn.json' })
        .first()
        .waitFor();
      const copied = join(ws, 'snn-vs-relu-bn-mnist.snn.json');
      assert.ok(existsSync(copied), 'the example is copied into the workspace');
      assert.ok(!readFileSync(copied, 'utf8').includes('$schema'), 'without its repository-relative $schema');
      await page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first().click();
      await poll(async () => ((await step.getAttribute('aria-checked')) === 'true' ? true : undefined), {
        timeout: 15_000,
        message: 'the first step marked done',
      });
      assert.equal(await page.locator('[data-done-step-id$="#openExample"].complete').count(), 1);
      await screenshot(page, ARTIFACTS, 'walkthrough-first-step-done');
    }),
  );
});
