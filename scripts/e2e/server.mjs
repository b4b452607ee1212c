// @ts-check
// Starts a VS Code server (code-server's bundled server-main.js or the code-server CLI) on 127.0.0.1 with a
// throw-away profile, and guarantees it is stopped: on stop(), on process exit, and on SIGINT/SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  openSync,
  closeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerPaths } from './codeServer.mjs';

/** User settings that keep the workbench deterministic for tests (docs/e2e-notes.md, pitfalls 10 and 15). */
export const TEST_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.restoreWindows': 'none',
};

/**
 * A scratch folder and its subfolders (see makeScratch).
 * @typedef {{ root: string, userData: string, serverData: string, extensions: string, tmp: string,
 *   xdgConfig: string, xdgData: string }} Scratch
 */

/** @type {Set<{ killNow(): void }>} */
const live = new Set();
let hooksInstalled = false;

/** Kills every server still running (process group) and removes its scratch folder; synchronous for 'exit'. */
function cleanupAll() {
  for (const s of live) s.killNow();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.clear();
}

/** @type {Set<string>} */
const tempDirs = new Set();

/**
 * Removes `dir` when the process exits or is interrupted (unless forgetTempDir was called first).
 * @param {string} dir
 */
export function removeOnExit(dir) {
  installHooks();
  tempDirs.add(dir);
  return dir;
}

/** Stops tracking a folder its owner removed itself. @param {string} dir */
export function forgetTempDir(dir) {
  tempDirs.delete(dir);
}

function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      cleanupAll();
      process.exit(130);
    });
  }
}

/**
 * A free TCP port on 127.0.0.1.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Creates (or reuses, with `root`) a scratch folder with a user profile (settings), extensions, server data and tmp subfolders.
 * @param {{ prefix?: string, settings?: Record<string, unknown>, root?: string }} [options]
 */
export function makeScratch({ prefix = 'snn-lab-e2e-', settings = {}, root: fixed } = {}) {
  const root = fixed ?? removeOnExit(mkdtempSync(join(tmpdir(), prefix)));
  /** @type {Scratch} */
  const dirs = {
    root,
    userData: join(root, 'ud'),
    serverData: join(root, 'sd'),
    extensions: join(root, 'ext'),
    tmp: join(root, 'tmp'),
    xdgConfig: join(root, 'xdg-config'),
    xdgData: join(root, 'xdg-data'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  // A reused profile keeps the user's own settings.
  if (!fixed || !existsSync(settingsFile)) {
    writeFileSync(settingsFile, JSON.stringify({ ...TEST_SETTINGS, ...settings }, null, 2));
  }
  return dirs;
}

/**
 * Environment for server processes: private XDG/TMP folders, no marketplace queries offline.
 * @param {Scratch} scratch
 * @param {Record<string, string>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function serverEnv(scratch, extra = {}) {
  return {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: scratch.xdgConfig,
    XDG_DATA_HOME: scratch.xdgData,
    TMPDIR: scratch.tmp,
    ...extra,
  };
}

/**
 * Installs a .vsix into the scratch profile with the code-server CLI; returns its output.
 * @param {string} vsix path of the .vsix
 * @param {Scratch} scratch
 */
export function installVsix(vsix, scratch) {
  const { bin } = codeServerPaths();
  const args = [bin, '--user-data-dir', scratch.userData, '--extensions-dir', scratch.extensions];
  const r = spawnSync(process.execPath, [...args, '--install-extension', vsix], {
    env: serverEnv(scratch),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${out}`);
  }
  return out;
}

/**
 * Starts a server and waits until it answers. kind 'server-main' runs VS Code's own server (tests);
 * kind 'code-server' runs the code-server CLI (npm start). Returns { url, port, scratch, logFile, stop() }.
 * @param {{ kind?: 'server-main' | 'code-server', port?: number, scratch?: Scratch, env?: Record<string, string>,
 *   keepScratch?: boolean, folder?: string }} [options] `folder` is opened by 'code-server' only
 */
export async function startServer({
  kind = 'server-main',
  port,
  scratch = makeScratch(),
  env = {},
  keepScratch = false,
  folder,
} = {}) {
  installHooks();
  const paths = codeServerPaths();
  const chosenPort = port ?? (await freePort());
  const logFile = join(scratch.root, 'server.log');
  const common = ['--user-data-dir', scratch.userData, '--extensions-dir', scratch.extensions];
  const args =
    kind === 'server-main'
      ? [
          paths.serverMain,
          '--host',
          '127.0.0.1',
          '--port',
          String(chosenPort),
          '--without-connection-token',
          '--accept-server-license-terms',
          '--disable-telemetry',
          '--server-data-dir',
          scratch.serverData,
          ...common,
        ]
      : [
          paths.bin,
          '--bind-addr',
          `127.0.0.1:${chosenPort}`,
          '--auth',
          'none',
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          '--disable-getting-started-override',
          '--ignore-last-opened',
          ...common,
          ...(folder ? [folder] : []),
        ];
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    env: serverEnv(scratch, env),
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const entry = {
    killNow() {
      live.delete(entry);
      if (!exited) {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      if (!keepScratch) {
        rmSync(scratch.root, { recursive: true, force: true, maxRetries: 3 });
        forgetTempDir(scratch.root);
      }
    },
  };
  live.add(entry);
  const url = `http://127.0.0.1:${chosenPort}`;
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      entry.killNow();
      throw new Error(`VS Code server exited during start-up:\n${readLog().slice(-3000)}`);
    }
    try {
      const res = await fetch(`${url}/${kind === 'server-main' ? 'version' : 'healthz'}`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      entry.killNow();
      throw new Error(`VS Code server did not answer on ${url} within 60 s:\n${readLog().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    port: chosenPort,
    scratch,
    logFile,
    readLog,
    pid: child.pid,
    /** Stops the server (whole process group) and removes its scratch folder. */
    async stop() {
      if (!exited) {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        const until = Date.now() + 5000;
        while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      }
      entry.killNow();
    },
  };
}

/**
 * vscode-remote URI of a local path as seen by the workbench served from `url`.
 * @param {string} url
 * @param {string} path
 */
export function remoteUri(url, path) {
  return `vscode-remote://${new URL(url).host}${path}`;
}

/**
 * Workbench URL opening `folder`, optionally with a development extension and an extension tests module.
 * @param {string} url the server's URL
 * @param {{ folder?: string, devPath?: string, testsPath?: string }} [options]
 */
export function workbenchUrl(url, { folder, devPath, testsPath } = {}) {
  const payload = [];
  if (devPath) payload.push(['extensionDevelopmentPath', remoteUri(url, devPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remoteUri(url, testsPath)]);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(folder)}`);
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${url}/${query.length > 0 ? '?' + query.join('&') : ''}`;
}
