// @ts-check
// Installs code-server (the real VS Code server + workbench, from the npm registry) once into a cache folder,
// offline-safe: --ignore-scripts, Debian's ripgrep in place of the GitHub download, native modules rebuilt locally.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Newest code-server whose `engines.node` is 20 (VS Code 1.100.3); see docs/testing.md. */
export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Cache root: $SNN_LAB_E2E_CACHE, else `.cache/` in the repository (gitignored). */
export function cacheRoot() {
  return resolve(process.env.SNN_LAB_E2E_CACHE ?? join(REPO_ROOT, '.cache'));
}

/** @typedef {ReturnType<typeof codeServerPaths>} CodeServerPaths */
/** Where progress lines go. @typedef {(message: string) => void} Log */

/** Paths inside an installed code-server. */
export function codeServerPaths(version = CODE_SERVER_VERSION) {
  const home = join(cacheRoot(), 'code-server', version);
  const pkg = join(home, 'node_modules', 'code-server');
  return {
    home,
    pkg,
    bin: join(pkg, 'out', 'node', 'entry.js'),
    serverMain: join(pkg, 'lib', 'vscode', 'out', 'server-main.js'),
    marker: join(home, 'installed.json'),
  };
}

/** Folder with the running Node's headers, for node-gyp (Debian's Node 20 keeps them in /usr/include/node). */
function nodeDir() {
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_version.h'))) return prefix;
  throw new Error(
    `no Node headers under ${prefix}/include/node; native modules of code-server cannot be built. ` +
      'On Debian: apt-get install nodejs (headers included) or set npm_config_nodedir.',
  );
}

/** Absolute path of a command on PATH, if any. @param {string} cmd */
function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Runs `npm <args>` in `cwd`; throws with the output's tail when it fails.
 * @param {Log} log
 * @param {string} cwd
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function step(log, cwd, args, env) {
  log(`  $ (cd ${cwd} && npm ${args.join(' ')})`);
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.split('\n').slice(-40).join('\n');
    throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${r.status}):\n${tail}`);
  }
}

/**
 * Takes a simple directory lock so two test runs never install into the same folder at once.
 * @template T
 * @param {string} dir
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(dir, fn) {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 1) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 600) throw new Error(`timed out waiting for ${lock} (remove it if no install is running)`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure code-server is installed in the cache and returns its paths. First use takes ~1–2 min and needs
 * the npm registry plus Debian's ripgrep, libkrb5-dev and a C++ toolchain; later calls return at once.
 * @param {{ log?: Log, version?: string }} [options]
 * @returns {Promise<CodeServerPaths>}
 */
export async function ensureCodeServer({ log = (m) => console.log(m), version = CODE_SERVER_VERSION } = {}) {
  const paths = codeServerPaths(version);
  if (existsSync(paths.marker)) return paths;
  return withLock(paths.home, async () => {
    if (existsSync(paths.marker)) return paths;
    const rg = which('rg');
    if (!rg) {
      throw new Error('ripgrep is missing: apt-get install -y ripgrep (code-server needs `rg` for search)');
    }
    if (!existsSync('/usr/include/gssapi/gssapi.h')) {
      throw new Error(
        'libkrb5-dev is missing: apt-get install -y libkrb5-dev (code-server builds `kerberos`)',
      );
    }
    const started = Date.now();
    log(`installing code-server ${version} into ${paths.home} (one time, ~1-2 min)`);
    rmSync(paths.home, { recursive: true, force: true });
    mkdirSync(paths.home, { recursive: true });
    writeFileSync(join(paths.home, 'package.json'), '{ "name": "snn-lab-code-server", "private": true }\n');
    const env = {
      ...process.env,
      npm_config_nodedir: nodeDir(),
      npm_config_yes: 'true',
      npm_config_update_notifier: 'false',
    };
    const quiet = ['--no-audit', '--no-fund'];
    step(log, paths.home, ['install', '--ignore-scripts', ...quiet, `code-server@${version}`], env);
    step(log, paths.home, ['rebuild', 'argon2'], env);
    const vscodeDir = join(paths.pkg, 'lib', 'vscode');
    step(log, vscodeDir, ['install', '--omit=dev', '--ignore-scripts', ...quiet], env);
    const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
    mkdirSync(rgBin, { recursive: true });
    rmSync(join(rgBin, 'rg'), { force: true });
    symlinkSync(rg, join(rgBin, 'rg'));
    step(log, vscodeDir, ['rebuild', '--foreground-scripts'], env);
    // What code-server's postinstall.sh would do after its own install.
    rmSync(join(vscodeDir, 'node_modules.asar'), { recursive: true, force: true });
    symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
    /**
     * Replaces `<vscodeDir>/<folder>/<name>` by a symlink to `target`.
     * @type {(folder: string, target: string, name: string) => void}
     */
    const link = (folder, target, name) => {
      rmSync(join(vscodeDir, folder, name), { force: true });
      symlinkSync(target, join(vscodeDir, folder, name));
    };
    link(join('bin', 'remote-cli'), 'code-linux.sh', 'code-server');
    link(join('bin', 'helpers'), 'browser-linux.sh', 'browser.sh');
    step(log, join(vscodeDir, 'extensions'), ['install', '--omit=dev', ...quiet], env);
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(paths.marker, JSON.stringify({ version, node: process.version, seconds }, null, 2) + '\n');
    log(`code-server ${version} installed in ${seconds} s`);
    return paths;
  });
}

/** The VS Code version inside the installed code-server (from its product.json). */
export function vscodeVersion(paths = codeServerPaths()) {
  /** @type {{ version?: string }} */
  const product = JSON.parse(readFileSync(join(paths.pkg, 'lib', 'vscode', 'product.json'), 'utf8'));
  return product.version ?? 'unknown';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = await ensureCodeServer();
  console.log(`code-server ready: ${paths.bin}`);
}
