// @ts-check
// Live streaming with several long runs compared, in a real VS Code workbench (issue 14): six finished runs of
// 1,000 reports each (16 layers, written through the run store before VS Code starts) are compared in the
// dashboard; a run of the same experiment started from its code lens joins the comparison and its statistics
// stream into the open dashboard while it trains: after the first snapshot only `selection` and `appended`
// messages arrive, and the compared runs keep their data.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { openFile, poll, runCommand, screenshot } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { copyExamples, removeExamplesCopy } from '../../../scripts/e2e/hostBuild.mjs';
import { ARTIFACTS, openWorkbench } from '../../../scripts/e2e/workbench.mjs';
import { clickLens, dashboardFrame, openSidebar, sidebarFrame, waitForLens } from '../workbenchSteps.mjs';

/** @typedef {import('../../../webview/dashboard/testHook.ts').TestHook} TestHook */
/** @typedef {import('playwright-core').Frame} Frame */

const COMPARED = 6;
const LAYERS = 16;
const REPORTS = 1000;
const RUN = /^\s*Run\s*$/;

/** The dashboard's runs: name -> { frames, status }, and the types of the messages it received. @param {Frame} frame */
const dashboardState = (frame) =>
  frame.evaluate(() => {
    const hook = /** @type {TestHook} */ (window.__snnLab);
    const data = hook.data();
    return {
      selected: data.selected.length,
      runs: Object.fromEntries(
        Object.values(data.runs).map((r) => [
          r.info.name,
          { frames: r.frames.length, status: r.info.status },
        ]),
      ),
      received: hook.received.map((m) => m.type),
    };
  });

/** Writes the compared runs through the run store (bundled from TypeScript, as the recorder script does). */
async function writeLongRuns(/** @type {string} */ runsDir, /** @type {string} */ experiment) {
  const out = join(REPO_ROOT, 'out', `e2e-long-runs-${process.pid}.cjs`);
  mkdirSync(join(REPO_ROOT, 'out'), { recursive: true });
  await esbuild.build({
    entryPoints: [join(REPO_ROOT, 'test', 'e2e', 'ui', 'writeLongRuns.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  try {
    const mod = /** @type {{ writeLongRuns: (o: object) => string[] }} */ (await import(out));
    return mod.writeLongRuns({ runsDir, experiment, count: COMPARED, layers: LAYERS, reports: REPORTS });
  } finally {
    rmSync(out, { force: true });
  }
}

describe(
  'a run started while long runs are compared streams into the dashboard',
  { timeout: 600_000 },
  () => {
    /** @type {import('../../../scripts/e2e/workbench.mjs').Workbench} set by before() */
    let wb;
    /** @type {string} set by before() */
    let ws;
    /** @type {string[]} */
    let compared = [];
    let failed = false;

    before(async () => {
      ws = copyExamples();
      const experiment = join(ws, 'long-moons.snn.json');
      const long = {
        name: 'long-moons',
        data: { source: 'synthetic', kind: 'moons', samples: 512 },
        model: { depth: 6, width: 32 },
        train: { epochs: 10000, batchSize: 32 },
        stats: { everySteps: 5 },
      };
      writeFileSync(experiment, JSON.stringify(long, null, 2) + '\n');
      compared = await writeLongRuns(join(ws, '.snn-lab', 'runs'), experiment);
      wb = await openWorkbench({ folder: ws, devPath: REPO_ROOT, env: { SNN_LAB_E2E: '1' } });
    });

    after(async () => {
      if (wb) await runCommand(wb.page, 'SNN Lab: Stop All Runs').catch(() => {});
      await wb?.close(failed);
      if (ws) removeExamplesCopy(ws);
    });

    it('compares six long runs, then streams a new run of their experiment live', async () => {
      const { page } = wb;
      try {
        // The experiment file in the first editor group, a second group beside it for the dashboard: both stay
        // visible (a hidden webview is torn down and would start again from a snapshot).
        await openFile(page, 'long-moons.snn.json');
        // Split once the file shows its Run lens, as a person would see it before splitting.
        await waitForLens(page, RUN, { what: 'the Run code lens of long-moons.snn.json' });
        await runCommand(page, 'View: Split Editor Right');
        await poll(async () => (await page.locator('.editor-group-container').count()) === 2, {
          timeout: 10_000,
          message: 'two editor groups',
        });
        // The dashboard opens in the active group: make that the second one, whatever the split left active.
        await page.locator('.editor-group-container').nth(1).locator('.view-lines').click();
        await openSidebar(page);
        const sidebar = await sidebarFrame(page);
        await poll(async () => (await sidebar.locator('li.run').count()) === COMPARED, {
          timeout: 60_000,
          message: `${COMPARED} runs in the sidebar`,
        });
        for (const runId of compared) {
          await sidebar.locator(`li[data-run-id="${runId}"] label.run-pick`).click();
        }
        await sidebar.locator('#open-compare').click();
        const dashboard = async () => dashboardFrame(page);
        await poll(
          async () => {
            const s = await dashboardState(await dashboard());
            return s.selected === COMPARED && Object.values(s.runs).every((r) => r.frames > 0);
          },
          {
            timeout: 60_000,
            message: `the ${COMPARED} compared runs with their statistics in the dashboard`,
          },
        );
        const before = await dashboardState(await dashboard());
        // The Run lens of the file's visible copy (the first group; the second group's copy is behind the dashboard),
        // after a click into that copy (clickLens): the split took its focus, which under load left it without lens.
        const firstGroup = page.locator('.editor-group-container').first();
        const started = Date.now();
        await clickLens(firstGroup, RUN, {
          what: 'the Run code lens of long-moons.snn.json in the first editor group',
        });
        const live = async () => {
          const s = await dashboardState(await dashboard());
          const newRun = Object.entries(s.runs).find(([name]) => name === 'long-moons');
          return { s, run: newRun?.[1] };
        };
        const first = await poll(
          async () => {
            const { s, run } = await live();
            return run && run.frames > 0 && run.status === 'running' ? { s, run } : undefined;
          },
          {
            timeout: 120_000,
            message: 'the new run in the dashboard with its first statistics, while running',
          },
        );
        console.log(
          `# first statistics of the new run in the dashboard ${Date.now() - started} ms after the click`,
        );
        const more = await poll(
          async () => {
            const { run } = await live();
            return run && run.frames > first.run.frames && run.status === 'running' ? run : undefined;
          },
          { timeout: 120_000, message: 'more statistics of the new run arriving while it trains' },
        );
        assert.ok(more.frames > first.run.frames);
        const now = await dashboardState(await dashboard());
        assert.equal(now.selected, COMPARED + 1, 'the new run joined the comparison');
        for (const [name, run] of Object.entries(before.runs)) {
          assert.equal(now.runs[name]?.frames, run.frames, `${name} kept its statistics`);
        }
        const afterOpen = now.received.slice(before.received.length);
        assert.deepEqual(
          [...new Set(afterOpen)].filter((t) => t === 'snapshot'),
          [],
          `no snapshot once the dashboard is open (received: ${[...new Set(afterOpen)].join(', ')})`,
        );
        assert.ok(afterOpen.includes('selection') && afterOpen.includes('appended'), afterOpen.join(', '));
        await screenshot(page, ARTIFACTS, 'live-compare');
      } catch (error) {
        failed = true;
        await screenshot(page, ARTIFACTS, 'live-compare-fail').catch(() => {});
        throw error;
      }
    });
  },
);
