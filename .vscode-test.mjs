// @ts-check
// Desktop VS Code test configuration (Electron build, needs a download from update.code.visualstudio.com, so it
// is not part of `npm test`). `npm run test:desktop` (scripts/e2e/desktop.mjs) reads it; the shape also suits
// @vscode/test-cli. The suite is the same in-host mocha suite the e2e tier runs inside code-server.
export default {
  label: 'snn-lab desktop',
  files: 'out/test/e2e/host/*.test.js',
  version: process.env.SNN_LAB_VSCODE_VERSION ?? 'stable',
  workspaceFolder: 'examples',
  env: { SNN_LAB_E2E: '1' },
  mocha: { ui: 'tdd', timeout: 60_000 },
};
