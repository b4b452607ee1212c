// @ts-check
// Shared by the e2e runner and the desktop runner: bundle the in-host mocha suite, and make a scratch copy of
// examples/ to open as the workspace (so runs started by tests never write into the repository).
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from './codeServer.mjs';
import { forgetTempDir, removeOnExit } from './server.mjs';

/** Bundles test/e2e/host/{index,*.test}.ts to out/test/e2e/host/ (vscode from the host, mocha from node_modules). */
export async function buildHostTests() {
  const dir = join(REPO_ROOT, 'test', 'e2e', 'host');
  const entryPoints = readdirSync(dir)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
  const outdir = join(REPO_ROOT, 'out', 'test', 'e2e', 'host');
  const result = await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
    metafile: true,
  });
  // Drop outputs of deleted tests without emptying the folder first: a concurrent run may be loading from it.
  const produced = new Set(Object.keys(result.metafile.outputs).map((f) => resolve(REPO_ROOT, f)));
  for (const name of existsSync(outdir) ? readdirSync(outdir) : []) {
    if (!produced.has(join(outdir, name))) rmSync(join(outdir, name), { force: true });
  }
  return { outdir, index: join(outdir, 'index.js') };
}

/**
 * A scratch copy of examples/ (without run folders) at <tmp>/examples, next to a copy of schemas/ so the
 * examples' relative "$schema" still resolves. Returns the examples folder; removeExamplesCopy() deletes it all.
 */
export function copyExamples() {
  const root = removeOnExit(mkdtempSync(join(tmpdir(), 'snn-lab-e2e-ws-')));
  const ws = join(root, 'examples');
  cpSync(join(REPO_ROOT, 'examples'), ws, { recursive: true, filter: (src) => !src.includes('.snn-lab') });
  cpSync(join(REPO_ROOT, 'schemas'), join(root, 'schemas'), { recursive: true });
  return ws;
}

/** Removes a copy made by copyExamples(). @param {string} ws the examples folder it returned */
export function removeExamplesCopy(ws) {
  rmSync(dirname(ws), { recursive: true, force: true });
  forgetTempDir(dirname(ws));
}
