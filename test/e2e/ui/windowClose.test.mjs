// @ts-check
// Shutdown on window close in a real VS Code workbench: a run started from its code lens trains in a trainer process;
// reloading the window (the extension host shuts down as on close) ends that process, and the run is recorded as
// stopped or interrupted (never left "running"), its reports kept; the reloaded window's sidebar shows that status.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openFile, poll, runCommand, screenshot, waitForWorkbench } from '../../../scripts/e2e/browser.mjs';
import { ARTIFACTS } from '../../../scripts/e2e/workbench.mjs';
import { clickLens, openSidebar, sidebarFrame, useWorkbench } from '../workbenchSteps.mjs';

/** @typedef {import('playwright-core').Frame} Frame */

/** True when `pid` names a live process (EPERM: it exists but is not ours). @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/** The status badge of the sidebar row named `name`. @param {Frame} frame @param {string} name */
const badge = (frame, name) =>
  frame.evaluate(
    (n) =>
      [...document.querySelectorAll('li.run')]
        .find((li) => (li.getAttribute('data-name') ?? '').startsWith(n))
        ?.querySelector('.badge')
        ?.textContent?.trim(),
    name,
  );

describe('shutdown on window close', { timeout: 600_000 }, () => {
  const suite = useWorkbench({
    prepare: (ws) => {
      const long = {
        name: 'close-me',
        data: { source: 'synthetic', kind: 'moons', samples: 512 },
        model: { depth: 4, width: 16 },
        train: { epochs: 10000, batchSize: 32 },
      };
      writeFileSync(join(ws, 'close-me.snn.json'), JSON.stringify(long, null, 2) + '\n');
    },
  });

  it(
    'reloading the window ends the running trainer process and records the run honestly',
    suite.track('window-close', async () => {
      const { page } = suite.wb;
      await openFile(page, 'close-me.snn.json');
      await clickLens(page, /^\s*Run\b/, { what: 'the Run code lens of close-me.snn.json' });
      const runsDir = join(suite.ws, '.snn-lab', 'runs');
      const runDir = await poll(
        () => {
          const [id] = existsSync(runsDir) ? readdirSync(runsDir) : [];
          return id ? join(runsDir, id) : undefined;
        },
        { timeout: 60_000, message: 'the run directory' },
      );
      const meta = () => JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8'));
      // Running with a trainer process and its first reports on disk.
      const pid = await poll(
        () => {
          const m = meta();
          const layers = join(runDir, 'layers.jsonl');
          const reported = existsSync(layers) && statSync(layers).size > 0;
          return m.status === 'running' && m.executor?.pid && reported ? m.executor.pid : undefined;
        },
        { timeout: 90_000, message: 'a running trainer with reports' },
      );
      assert.ok(alive(pid), `trainer ${pid} runs`);
      await screenshot(page, ARTIFACTS, 'window-close-01-running');
      await Promise.all([
        page.waitForEvent('load', { timeout: 60_000 }),
        runCommand(page, 'Developer: Reload Window'),
      ]);
      await poll(() => !alive(pid), { timeout: 30_000, message: `trainer ${pid} gone after the reload` });
      const ended = await poll(
        () => {
          const m = meta();
          return m.status !== 'running' ? m : undefined;
        },
        { timeout: 30_000, message: 'the run no longer recorded as running' },
      );
      assert.ok(['stopped', 'interrupted'].includes(ended.status), `recorded as ${ended.status}`);
      assert.ok(
        statSync(join(runDir, 'layers.jsonl')).size > 0,
        'the reports made before the close are kept',
      );
      await waitForWorkbench(page);
      // The reloaded window restores the SNN Lab view when it was open; else it is opened (openSidebar never clicks
      // the icon of a shown view, which would hide it).
      const sidebar = await sidebarFrame(page, { timeout: 10_000 }).catch(async () => {
        await openSidebar(page);
        return sidebarFrame(page);
      });
      const shown = await poll(() => badge(sidebar, 'close-me'), {
        timeout: 30_000,
        message: 'the run in the reloaded sidebar',
      });
      assert.equal(shown, ended.status);
      await screenshot(page, ARTIFACTS, 'window-close-02-after-reload');
    }),
  );
});
