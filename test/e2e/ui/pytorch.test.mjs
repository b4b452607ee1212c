// @ts-check
// A PyTorch script in a real VS Code workbench: the user opens a Python file, runs "SNN Lab: Run with SNN Lab" from
// the command palette, sees the run appear in the SNN Lab sidebar while it trains, opens its dashboard, where the
// Layers tab shows every Linear layer, and stops it from the sidebar (SIGINT: the run ends "stopped").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFile, poll, runCommand, screenshot } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { copyExamples, removeExamplesCopy } from '../../../scripts/e2e/hostBuild.mjs';
import { ARTIFACTS, openWorkbench } from '../../../scripts/e2e/workbench.mjs';
import { dashboardFrame, openSidebar, sidebarFrame, stepTracker } from '../workbenchSteps.mjs';

/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('../../../webview/dashboard/testHook.ts').TestHook} TestHook */

/** Linear layers of the script below: 3 hidden + the output layer. */
const LINEAR_LAYERS = 4;
const SCRIPT = `import math, time, torch
from torch import nn
import snn_lab

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(16, 32), nn.SELU(), nn.Linear(32, 32), nn.SELU(), nn.Linear(32, 32), nn.SELU(),
                      nn.Linear(32, 3))
for layer in model[::2]:
    nn.init.normal_(layer.weight, 0.0, 1 / math.sqrt(layer.in_features))
    nn.init.zeros_(layer.bias)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
with snn_lab.watch(model, every=5) as run:  # trains until stopped
    for step in range(10**9):
        x = torch.randn(64, 16)
        y = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad(); loss.backward(); optimizer.step()
        run.step(loss=loss)
        if step % 20 == 19:
            run.log_epoch({"loss": loss.item()})
        time.sleep(0.02)
`;

/** The first of $SNN_LAB_PYTHON, python3, /usr/bin/python3 that imports torch (as scripts/test.mjs picks it). */
function pythonWithTorch() {
  const candidates = process.env.SNN_LAB_PYTHON
    ? [process.env.SNN_LAB_PYTHON]
    : ['python3', '/usr/bin/python3'];
  const found = candidates.find((python) => spawnSync(python, ['-c', 'import torch']).status === 0);
  if (!found) throw new Error('no Python with torch: apt-get install -y python3-torch python3-numpy');
  return found;
}

describe('a PyTorch script run with SNN Lab in the VS Code workbench', { timeout: 400_000 }, () => {
  /** @type {import('../../../scripts/e2e/workbench.mjs').Workbench} set by before() */
  let wb;
  /** @type {string} set by before() */
  let ws;
  let failed = false;

  before(async () => {
    ws = copyExamples();
    writeFileSync(join(ws, 'train_selu.py'), SCRIPT);
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(
      join(ws, '.vscode', 'settings.json'),
      `${JSON.stringify({ 'snnLab.pythonPath': pythonWithTorch() }, null, 2)}\n`,
    );
    wb = await openWorkbench({ folder: ws, devPath: REPO_ROOT, env: { SNN_LAB_E2E: '1' } });
  });

  after(async () => {
    await wb?.close(failed);
    if (ws) removeExamplesCopy(ws);
  });

  const track = stepTracker(
    () => wb.page,
    () => (failed = true),
  );

  /** The sidebar row of the script's run. */
  const row = async () => (await sidebarFrame(wb.page)).locator('li.run', { hasText: 'train_selu' }).first();
  const badge = async () =>
    (await row())
      .locator('.badge')
      .textContent()
      .then((t) => t?.trim());

  it(
    'Run with SNN Lab starts the script and its run appears in the sidebar while it trains',
    track('pytorch-01-run', async () => {
      const { page } = wb;
      await openFile(page, 'train_selu.py');
      await openSidebar(page);
      await runCommand(page, 'SNN Lab: Run with SNN Lab');
      await poll(async () => (await badge()) === 'running', {
        timeout: 90_000,
        message: 'the train_selu run running in the sidebar',
      });
      const meta = await (await row()).locator('.run-meta').textContent();
      assert.match(meta ?? '', /pytorch/, 'the sidebar names the source');
      await screenshot(page, ARTIFACTS, 'pytorch-01-sidebar-running');
    }),
  );

  it(
    'its dashboard Layers tab shows every Linear layer, then Stop in the sidebar stops it',
    track('pytorch-02-layers', async () => {
      const { page } = wb;
      await (await row()).locator('button.button', { hasText: 'Dashboard' }).click();
      const dash = await dashboardFrame(page);
      await dash.locator('[role="tab"][data-tab="layers"]').first().click();
      const charts = await poll(
        async () => {
          const c = await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).charts());
          return c['layers:variance']?.points.includes(LINEAR_LAYERS) ? c : undefined;
        },
        {
          timeout: 60_000,
          message: `the Layers tab: variance at each of the ${LINEAR_LAYERS} Linear layers`,
        },
      );
      assert.deepEqual(charts['layers:variance'].points, [LINEAR_LAYERS]);
      const header = await dash.locator('.run-header td.backend').first().textContent();
      assert.match(header ?? '', /^pytorch: torch \S+/);
      await screenshot(page, ARTIFACTS, 'pytorch-02-dashboard-layers');
      // One click, as a person would: the sidebar updates rows in place, so the button stays under the pointer.
      await (await row()).locator('button.button', { hasText: 'Stop' }).click();
      await poll(async () => (await badge()) === 'stopped', {
        timeout: 30_000,
        message: 'the run stopped after one click on Stop',
      });
      assert.equal(await badge(), 'stopped');
      await screenshot(page, ARTIFACTS, 'pytorch-03-stopped');
    }),
  );
});
