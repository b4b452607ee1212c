// @ts-check
// Packaged-extension smoke test: `npm run package` makes a .vsix offline (no development files, the listing as its
// README with every link inside the package, third-party notices, within the size budget), code-server installs it
// like a user would (--install-extension), and the installed copy (no development path) activates, runs a command
// and trains.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findWebviewFrame, openFile, poll, runCommand, screenshot } from '../../../scripts/e2e/browser.mjs';
import { copyExamples, removeExamplesCopy } from '../../../scripts/e2e/hostBuild.mjs';
import { installVsix, makeScratch } from '../../../scripts/e2e/server.mjs';
import { ARTIFACTS, openWorkbench } from '../../../scripts/e2e/workbench.mjs';
import { BUDGET, LISTING_README, mib, packageExtension } from '../../../scripts/package.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';

/** window.__snnLab of the dashboard webview (declares it on Window). */
/** @typedef {import('../../../webview/dashboard/testHook.ts').TestHook} TestHook */
/** @typedef {import('../../../src/runs/runTypes.ts').RunMeta} RunMeta */

describe('the packaged .vsix', { timeout: 400_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'snn-lab-vsix-'));
  const scratch = makeScratch({ prefix: 'snn-lab-e2e-vsix-' });
  /** @type {string} set by before() */
  let ws;
  /** @type {import('../../../scripts/e2e/workbench.mjs').Workbench | undefined} */
  let wb;
  let failed = false;
  /** @type {string | undefined} the extension's folder name, set by the first test */
  let installed;

  before(() => {
    ws = copyExamples();
  });

  after(async () => {
    await wb?.close(failed);
    if (!wb) rmSync(scratch.root, { recursive: true, force: true });
    if (ws) removeExamplesCopy(ws);
    rmSync(out, { recursive: true, force: true });
  });

  /**
   * Runs a test body; on failure saves `<name>-fail.png` (when the workbench is open).
   * @param {string} name
   * @param {() => unknown} fn
   */
  const step = (name, fn) => async () => {
    try {
      await fn();
    } catch (err) {
      failed = true;
      if (wb) await screenshot(wb.page, ARTIFACTS, `${name}-fail`).catch(() => {});
      throw err;
    }
  };

  it(
    'packages offline and installs into code-server with only the shipped files',
    step('vsix-install', () => {
      const { vsix, files, packedBytes, installedBytes } = packageExtension({
        out: join(out, 'snn-lab.vsix'),
        log: () => {},
      });
      console.log(
        `# .vsix: ${files.length} files, ${mib(packedBytes)} packed, ${mib(installedBytes)} installed`,
      );
      assert.ok(packedBytes <= BUDGET.packed && installedBytes <= BUDGET.installed, 'within the size budget');
      assert.ok(files.includes('dist/wasm/tfjs-backend-wasm-simd.wasm'));
      assert.ok(files.includes('dist/wasm/snn-kernels.wasm'));
      assert.ok(files.includes('dist/wasm/snn-kernels-relaxed.wasm'));
      assert.ok(
        !files.includes('dist/wasm/tfjs-backend-wasm.wasm'),
        'the never-loaded non-SIMD wasm is gone',
      );
      const devFiles = files.filter((f) =>
        /^(src|test|scripts|node_modules|out|assembly|webview|bench|\.ci|\.devcontainer)\/|^python\/(?!snn_lab\/[^/]+\.py$)|\.map$|\.ts$|\.pyc$/.test(
          f,
        ),
      );
      assert.deepEqual(devFiles, [], 'no development files');
      const log = installVsix(vsix, scratch);
      assert.match(log, /successfully installed/);
      [installed] = readdirSync(scratch.extensions).filter((d) => d.startsWith('snn-lab.snn-lab-'));
      assert.ok(installed, `no snn-lab folder in ${readdirSync(scratch.extensions).join(', ')}`);
      assert.ok(existsSync(join(scratch.extensions, installed, 'dist', 'trainer.js')));
      assert.ok(
        existsSync(join(scratch.extensions, installed, 'python', 'snn_lab', '_run.py')),
        'snn_lab ships',
      );
      assert.ok(!existsSync(join(scratch.extensions, installed, 'src')), 'sources are not shipped');
      // What VS Code shows on the extension's page: the listing as its README, every relative link and image of it
      // a file of the installed extension (case-sensitive, as vsce renames some files), the third-party notices.
      const root = join(scratch.extensions, installed);
      const readme = readFileSync(join(root, 'readme.md'), 'utf8');
      assert.equal(
        readme,
        readFileSync(join(REPO_ROOT, LISTING_README), 'utf8'),
        'the listing is the README',
      );
      const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1] ?? '')
        .filter((l) => !/^(https?|command):/.test(l));
      assert.ok(links.length >= 15, `the listing links its images and docs (${links.length})`);
      for (const link of links) {
        assert.ok(existsSync(join(root, decodeURI(link.split('#')[0] ?? ''))), `${link} is in the extension`);
      }
      const notices = readFileSync(join(root, 'ThirdPartyNotices.txt'), 'utf8');
      for (const name of ['@tensorflow/tfjs-core', 'ajv', 'yaml', 'MNIST']) {
        assert.ok(notices.includes(name), `third-party notices name ${name}`);
      }
    }),
  );

  it(
    'the installed extension activates, opens the theory explorer and trains an example',
    step('vsix-smoke', async () => {
      assert.ok(installed, 'needs the .vsix installed by the previous test');
      wb = await openWorkbench({ folder: ws, scratch });
      const { page } = wb;
      await runCommand(page, 'SNN Lab: Open Theory Explorer');
      const dash = await findWebviewFrame(page, () => !!window.__snnLab, { what: 'the dashboard webview' });
      await poll(
        async () =>
          (await dash.evaluate(() => /** @type {TestHook} */ (window.__snnLab).ui().tab)) === 'theory',
        {
          message: 'the theory tab of the installed extension',
        },
      );
      await openFile(page, 'moons-quick.snn.json');
      const run = page.locator('.contentWidgets .codelens-decoration a', { hasText: /^\s*Run\s*$/ }).first();
      await run.waitFor({ timeout: 30_000 });
      await run.click();
      await page.locator('.activitybar .action-item a[aria-label^="SNN Lab"]').first().click();
      const status = async () => {
        const sidebar = await findWebviewFrame(page, () => !!document.querySelector('.run-groups'), {
          what: 'sidebar',
        });
        return (
          await sidebar.locator('li.run', { hasText: 'moons-quick' }).first().locator('.badge').textContent()
        )?.trim();
      };
      const final = await poll(
        async () => {
          const s = await status();
          return s !== undefined && ['finished', 'failed', 'diverged'].includes(s) ? s : undefined;
        },
        { timeout: 120_000, message: 'moons-quick to end (packaged trainer + wasm)' },
      );
      assert.equal(final, 'finished');
      // The shipped trainer found and used SNN Lab's wasm kernels, not the fallback: the relaxed-SIMD build
      // (dist/wasm/snn-kernels-relaxed.wasm), because code-server's Node 20 accepts --experimental-wasm-relaxed-simd,
      // which the host's probe (src/runs/wasmFlags.ts) then passes to the trainer.
      const runs = join(ws, '.snn-lab', 'runs');
      const metas = readdirSync(runs).map(
        (id) => /** @type {RunMeta} */ (JSON.parse(readFileSync(join(runs, id, 'meta.json'), 'utf8'))),
      );
      const moons = metas.find((m) => String(m.name).startsWith('moons-quick'));
      assert.equal(
        moons?.backend?.versions?.['snn-lab-kernels'],
        'wasm-relaxed-simd',
        JSON.stringify(moons?.backend),
      );
      await screenshot(page, ARTIFACTS, 'vsix-installed-run');
    }),
  );
});
