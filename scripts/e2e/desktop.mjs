#!/usr/bin/env node
// @ts-check
// `npm run test:desktop`: the in-host mocha suite in desktop VS Code through @vscode/test-electron. It downloads a
// VS Code build on first use (cached in .vscode-test/), so it needs internet and is not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import config from '../../.vscode-test.mjs';
import { REPO_ROOT } from './codeServer.mjs';
import { buildHostTests, copyExamples, removeExamplesCopy } from './hostBuild.mjs';

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const { index } = await buildHostTests();
const ws = copyExamples();
const profile = mkdtempSync(join(tmpdir(), 'snn-lab-desktop-'));
let status = 0;
try {
  await runTests({
    version: config.version,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: index,
    extensionTestsEnv: config.env,
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${profile}`],
  });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`desktop VS Code tests failed: ${message}`);
  if (/fetch|ENOTFOUND|EAI_AGAIN|download/i.test(message)) {
    console.error(
      '(the desktop build is downloaded from update.code.visualstudio.com; offline, use `npm run test:e2e`)',
    );
  }
  status = 1;
} finally {
  removeExamplesCopy(ws);
  rmSync(profile, { recursive: true, force: true });
}
process.exit(status);
