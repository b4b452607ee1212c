#!/usr/bin/env node
// `npm run package`: production build, then an offline `vsce package --no-dependencies`, then a check that the
// .vsix holds only what users need (bundles, wasm, schema, media, README, CHANGELOG, LICENSE, package.json).
// Usage: node scripts/package.mjs [--out file.vsix] [--no-build]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What may ship (mirrors .vscodeignore); anything else in `vsce ls` fails the packaging. */
export const ALLOWED = [
  /^dist\/(extension|trainer|cli)\.js$/,
  /^dist\/webview\/[^/]+\.(js|css)$/,
  /^dist\/wasm\/[^/]+\.wasm$/,
  /^media\//,
  /^schemas\/[^/]+\.json$/,
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE(\.md|\.txt)?)$/,
];
/** What must ship for the extension to work at all. */
export const REQUIRED = [
  'package.json',
  'dist/extension.js',
  'dist/trainer.js',
  'dist/cli.js',
  'dist/wasm/tfjs-backend-wasm-simd.wasm',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
];

const VSCE = join(ROOT, 'node_modules', '.bin', 'vsce');
// Relative README links stay relative (no repository URL to rewrite them against; the package is offline).
const VSCE_FLAGS = ['--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links'];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Files vsce would put in the package, as repository-relative paths. */
export function listPackageFiles() {
  return run(VSCE, ['ls', '--no-dependencies'])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Problems with a file list: files that must not ship, and required files that are missing. */
export function checkPackageFiles(files) {
  const extra = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  const missing = REQUIRED.filter((f) => !files.includes(f));
  return [
    ...extra.map((f) => `unexpected file in package: ${f}`),
    ...missing.map((f) => `missing from package: ${f}`),
  ];
}

/** Builds (production) and packages; returns { vsix, files }. Throws with the reasons on any problem. */
export function packageExtension({ out, build = true, log = console.log } = {}) {
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = resolve(out ?? join(ROOT, `${name}-${version}.vsix`));
  if (build) {
    log('$ node esbuild.mjs --production --no-tests');
    run(process.execPath, ['esbuild.mjs', '--production', '--no-tests']);
  }
  const files = listPackageFiles();
  const problems = checkPackageFiles(files);
  if (problems.length > 0) throw new Error(`the .vsix would be wrong:\n  ${problems.join('\n  ')}`);
  log(`$ vsce package ${VSCE_FLAGS.join(' ')} -o ${vsix}`);
  run(VSCE, ['package', ...VSCE_FLAGS, '-o', vsix]);
  return { vsix, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  try {
    const { vsix, files } = packageExtension({
      out: outAt >= 0 ? args[outAt + 1] : undefined,
      build: !args.includes('--no-build'),
    });
    console.log(`packaged ${files.length} files into ${vsix}:`);
    for (const f of files) console.log(`  ${f}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
