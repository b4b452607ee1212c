// @ts-check
// The developer scripts end to end: `npm start` (browser fallback) serves a workbench with SNN Lab loaded and
// stops on Ctrl+C; `npm run demo` trains an example headless and writes a self-contained HTML report.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gotoWorkbench, launchBrowser, openFile, poll } from '../../../scripts/e2e/browser.mjs';
import { REPO_ROOT } from '../../../scripts/e2e/codeServer.mjs';
import { freePort } from '../../../scripts/e2e/server.mjs';
import { waitForLens } from '../workbenchSteps.mjs';

describe('developer scripts', { timeout: 300_000 }, () => {
  it('npm start (browser mode) serves VS Code with SNN Lab on examples/ and stops on SIGINT', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'snn-lab-start-test-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['scripts/start.mjs', '--browser', '--port', String(port)], {
      cwd: REPO_ROOT,
      env: { ...process.env, SNN_LAB_START_PROFILE: profile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let browser;
    try {
      const url = await poll(() => out.match(/http:\/\/127\.0\.0\.1:\d+\/\?\S+/)?.[0], {
        timeout: 120_000,
        message: `the URL printed by npm start (output so far: ${out.slice(-500)})`,
      });
      assert.ok(url.startsWith(`http://127.0.0.1:${port}/`), url);
      assert.match(decodeURIComponent(url), /extensionDevelopmentPath/);
      browser = await launchBrowser();
      await gotoWorkbench(browser.page, url);
      await openFile(browser.page, 'moons-quick.snn.json');
      await waitForLens(browser.page, 'Run', { what: 'the Run code lens of moons-quick.snn.json' });
    } finally {
      await browser?.close();
      child.kill('SIGINT');
      const { code } = await exited;
      rmSync(profile, { recursive: true, force: true });
      assert.equal(code, 0, `npm start exits cleanly on SIGINT:\n${out.slice(-1000)}`);
    }
    const stillUp = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
    assert.equal(stillUp, false, 'the server stopped with npm start');
  });

  it('npm run demo trains an example and writes an HTML report with its curves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-lab-demo-test-'));
    try {
      const report = join(dir, 'report.html');
      const r = spawnSync(
        process.execPath,
        ['scripts/demo.mjs', 'examples/moons-quick.snn.json', '--out', report],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          timeout: 180_000,
        },
      );
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      const html = readFileSync(report, 'utf8');
      assert.match(html, /<td>moons-quick<\/td><td>finished<\/td>/);
      assert.equal(html.match(/<svg /g)?.length, 4, 'loss, variance, mean and gradient-norm charts');
      assert.match(html, /<path d="M[\d.]+,[\d.]+L/, 'charts have drawn lines');
      assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, 'no network resources');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
