// @ts-check
// The Study tab in a real VS Code workbench: a user writes a small study (SNN vs ReLU x depth 2, 4 x 3 repeats),
// clicks the "Run study" code lens, opens the dashboard and its Study tab; the table, the metric-vs-key plot and the
// paired comparison show exactly what `snn-lab study --json` computes from the same run store (same digits: the
// dashboard and the CLI share src/core/study/format.ts, whose rules the oracle below restates).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openFile, poll, screenshot } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { copyExamples, removeExamplesCopy } from '../../../scripts/e2e/hostBuild.mjs';
import { ARTIFACTS, openWorkbench } from '../../../scripts/e2e/workbench.mjs';
import { clickLens, codeLens, dashboardFrame, openSidebar, sidebarFrame } from '../workbenchSteps.mjs';

/** @typedef {import('playwright-core').Frame} Frame */
/** @typedef {import('../../../webview/dashboard/testHook.ts').TestHook} TestHook */

/**
 * 12 runs of a second or two each; a binary task, so test_auc is recorded too. Noisy and short enough that test
 * accuracy differs between repeats (at noise 0.25 every run scored the same, and every test was NaN).
 */
const STUDY = {
  name: 'e2e-study',
  seed: 3,
  repeats: 3,
  data: { source: 'synthetic', kind: 'moons', samples: 400, noise: 0.35 },
  model: { width: 16 },
  train: { epochs: 3, batchSize: 32, learningRate: 0.003, optimizer: 'adam' },
  variants: { SNN: {}, ReLU: { model: { activation: 'relu', init: 'he_normal' } } },
  sweep: { 'model.depth': [2, 4] },
};
const RUNS = 12;

/** The CLI prints non-finite numbers as strings in JSON; everything else is a number. @param {unknown} v */
const num = (v) => (typeof v === 'string' ? Number(v) : /** @type {number} */ (v));
/** formatStat of src/core/study/format.ts: 4 decimals (or `digits`), non-finite as String. */
const fixed = (/** @type {unknown} */ v, digits = 4) => {
  const x = num(v);
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
};
/** formatP of src/core/study/format.ts. @param {unknown} v */
const pText = (v) => {
  const p = num(v);
  if (Number.isNaN(p)) return 'n/a';
  return p >= 1e-4 || p === 0 ? p.toFixed(4) : p.toExponential(1);
};

/**
 * `snn-lab study` (the built CLI) on the study file and the workspace's run store, as JSON.
 * @param {string} file
 * @param {string} runsDir
 * @param {string[]} extra
 */
function cliStudy(file, runsDir, extra) {
  const r = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'dist', 'cli.js'), 'study', file, '--runs-dir', runsDir, '--json', ...extra],
    { encoding: 'utf8', env: { ...process.env, SNN_LAB_RUNS_DIR: '' } },
  );
  assert.equal(r.status, 0, `snn-lab study failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('the Study tab in the VS Code workbench', { timeout: 900_000 }, () => {
  /** @type {import('../../../scripts/e2e/workbench.mjs').Workbench} set by before() */
  let wb;
  /** @type {string} set by before() */
  let ws;
  let failed = false;

  before(async () => {
    ws = copyExamples();
    writeFileSync(join(ws, 'e2e-study.snn.json'), JSON.stringify(STUDY, null, 2) + '\n');
    wb = await openWorkbench({ folder: ws, devPath: REPO_ROOT, env: { SNN_LAB_E2E: '1' } });
  });

  after(async () => {
    await wb?.close(failed);
    if (ws) removeExamplesCopy(ws);
  });

  it('Run study, then the Study tab shows the numbers of `snn-lab study --json` on the same store', async () => {
    const { page } = wb;
    try {
      await openFile(page, 'e2e-study.snn.json');
      const runStudy = codeLens(page, `Run study (${RUNS} runs)`);
      // Code lenses wait for the extension to activate: on a loaded 2-core machine that took over a minute once.
      await runStudy.waitFor({ timeout: 180_000 });
      await openSidebar(page);
      await clickLens(page, `Run study (${RUNS} runs)`, { what: 'the Run study lens of e2e-study.snn.json' });
      await poll(
        async () => {
          const sidebar = await sidebarFrame(page);
          const statuses = await sidebar.$$eval('li.run', (lis) =>
            lis
              .filter((li) => (li.getAttribute('data-name') ?? '').startsWith('e2e-study/'))
              .map((li) => li.querySelector('.badge')?.textContent?.trim()),
          );
          return statuses.length === RUNS && statuses.every((s) => s === 'finished');
        },
        {
          timeout: 600_000,
          interval: 1000,
          message: `all ${RUNS} runs of the study finished in the sidebar`,
        },
      );

      await clickLens(page, 'Open dashboard', { what: 'the Open dashboard lens of e2e-study.snn.json' });
      const dash = await dashboardFrame(page);
      await dash.locator('[role="tab"][data-tab="study"]').first().click();
      const rows = await poll(
        async () => {
          const r = await dash.$$eval('#study-table tbody tr', (trs) =>
            trs.map((tr) => ({
              group: tr.querySelector('th')?.textContent ?? '',
              runs: tr.querySelector('td')?.textContent ?? '',
              cells: [...tr.querySelectorAll('td[data-metric]')].map((td) => ({
                metric: /** @type {HTMLElement} */ (td).dataset.metric ?? '',
                value: td.querySelector('.value')?.textContent ?? '',
                n: td.querySelector('.n')?.textContent ?? '',
              })),
            })),
          );
          return r.length === 4 ? r : undefined;
        },
        { timeout: 60_000, message: 'four groups (2 variants x 2 depths) in the Study table' },
      );
      await screenshot(page, ARTIFACTS, 'study-01-table');

      const runsDir = join(ws, '.snn-lab', 'runs');
      assert.ok(existsSync(runsDir), `the workspace's run store ${runsDir}`);
      const file = join(ws, 'e2e-study.snn.json');
      const cli = cliStudy(file, runsDir, []);
      assert.equal(cli.finishedRuns, RUNS);

      // The table: the CLI's groups (in its order), each metric's "mean ± std" and n, digit for digit.
      /** @type {{ label: string, runs: number, metrics: Record<string, Record<string, unknown>> }[]} */
      const groups = cli.groups;
      assert.deepEqual(
        rows.map((r) => r.group),
        groups.map((g) => g.label),
      );
      for (const [i, g] of groups.entries()) {
        const row = rows[i];
        assert.equal(row.runs, String(g.runs), g.label);
        const metrics = Object.keys(g.metrics).filter((m) => m.startsWith('test_'));
        assert.deepEqual(
          row.cells.map((c) => c.metric),
          metrics,
          `${g.label}: the test metrics as columns`,
        );
        assert.ok(metrics.includes('test_accuracy') && metrics.includes('test_auc'), metrics.join(','));
        for (const cell of row.cells) {
          const s = g.metrics[cell.metric];
          assert.equal(cell.value, `${fixed(s.mean)} ± ${fixed(s.std)}`, `${g.label} ${cell.metric}`);
          assert.equal(cell.n, ` n = ${s.n}`, `${g.label} ${cell.metric}`);
        }
      }

      // The metric-vs-key plot: test accuracy against depth, one line per variant, a bar at every group.
      const plot = await poll(
        async () => {
          const p = await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).study());
          return p?.plot && p.bars.length === 4 ? p : undefined;
        },
        { message: 'the metric-vs-key plot painted four error bars' },
      );
      assert.deepEqual(
        [plot.plot?.metric, plot.plot?.x, plot.plot?.line],
        ['test_accuracy', 'model.depth', 'variant'],
      );
      for (const line of plot.plot?.lines ?? []) {
        for (const p of line.points) {
          const g = groups.find((x) => x.label === `e2e-study/${line.label}/model.depth=${p.x}`);
          assert.ok(g, `${line.label} at depth ${p.x}`);
          assert.equal(fixed(p.summary.mean), fixed(g.metrics.test_accuracy.mean));
        }
      }
      assert.ok(
        plot.bars.every((b) => b.bottom >= b.y && b.y >= b.top),
        'bars around their markers',
      );
      assert.ok(
        plot.bars.filter((b) => b.y - b.top > 2).length >= 2,
        `error bars with a length: ${JSON.stringify(plot.bars)}`,
      );

      // The paired comparison the tab shows by default, against `snn-lab study --compare A B`.
      const shown = plot.comparison;
      assert.ok(shown, 'a comparison is shown');
      const compared = cliStudy(file, runsDir, ['--compare', shown.a, shown.b, '--metric', shown.metric]);
      const c = compared.comparisons[0];
      assert.ok(Number.isFinite(num(c.tTest.p)), `a comparison with a p-value: ${JSON.stringify(c.tTest)}`);
      assert.deepEqual([c.a, c.b, c.metric], [shown.a, shown.b, shown.metric]);
      const tests = await dash.$$eval('.study-tests tbody tr', (trs) =>
        trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')),
      );
      const t = c.tTest;
      const w = c.wilcoxon;
      const s = c.sign;
      assert.deepEqual(tests.slice(0, 3), [
        [
          'paired t-test',
          String(t.n),
          `t = ${fixed(t.t, 3)}, df = ${t.df}`,
          pText(t.p),
          `mean difference ${fixed(t.meanDifference)} [${fixed(t.ciLow)}, ${fixed(t.ciHigh)}]`,
        ],
        [
          'Wilcoxon signed-rank',
          `${w.n} (${w.zeros} zero)`,
          `W = min(R+, R-) = ${w.statistic}`,
          pText(w.p),
          `${w.method === 'exact' ? 'exact' : `normal approximation, z = ${fixed(w.z, 3)}`}, ${w.zeroMethod} zeros`,
        ],
        ['sign test', String(s.n), `${s.wins} wins, ${s.losses} losses, ${s.ties} ties`, pText(s.p), ''],
      ]);
      const pairs = await dash.$$eval('.study-pairs tbody tr', (trs) =>
        trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')),
      );
      assert.deepEqual(
        pairs,
        c.pairs.map((/** @type {{ unit: string, a: number, b: number, difference: number }} */ p) => [
          p.unit,
          fixed(p.a),
          fixed(p.b),
          fixed(p.difference),
        ]),
      );
      assert.equal(pairs.length, 3, 'three repeats paired');
      await dash.locator('#study-compare-heading').first().scrollIntoViewIfNeeded();
      await screenshot(page, ARTIFACTS, 'study-02-compare');
    } catch (err) {
      failed = true;
      await screenshot(page, ARTIFACTS, 'study-fail').catch(() => {});
      throw err;
    }
  });
});
