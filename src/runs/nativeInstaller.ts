/**
 * Installs the native TensorFlow backend (@tensorflow/tfjs-node) into an npm prefix in the extension's global
 * storage, which survives extension updates: npm installs into a staging folder, the result is loaded once with
 * VS Code's Node to prove it works, and only then replaces the previous install (a failed or cancelled attempt
 * leaves it untouched). npm's output goes to a log line by line; failures say what went wrong (no npm, offline,
 * libtensorflow's download blocked, does not load). vscode-free (unit-tested with a packed stand-in package).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export type InstallFailure =
  'npm-missing' | 'offline' | 'download' | 'npm-failed' | 'load-failed' | 'cancelled';

export class InstallError extends Error {
  override readonly name = 'InstallError';
  constructor(
    readonly kind: InstallFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface InstallOptions {
  /** The npm prefix to install into (its node_modules/@tensorflow/tfjs-node is what trainers load). */
  prefix: string;
  /** What npm installs: `@tensorflow/tfjs-node@<range>` (tests: a packed stand-in tarball). */
  spec: string;
  /** npm executable (default `npm`, found on the PATH). */
  npm?: string;
  /** Node to load the result with (default: this process's, as Node via ELECTRON_RUN_AS_NODE). */
  nodePath?: string;
  /** Environment for npm (default this process's). */
  env?: NodeJS.ProcessEnv;
  /** Receives every line npm and the load check print. */
  log: (line: string) => void;
  signal?: AbortSignal;
}

const NETWORK =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b|network/i;
const LOAD_CHECK =
  "const r = require('node:module').createRequire(process.argv[1] + '/package.json');" +
  "const tf = r('@tensorflow/tfjs-node');" +
  "console.log('snn-lab-native ' + JSON.stringify({ version: (tf.version || {})['tfjs-node'] || 'unknown' }));";

interface Ran {
  code: number | null;
  lines: string[];
}

/** Runs a process, logging its output lines; kills its process group on abort. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: (line: string) => void; signal?: AbortSignal },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(cancelled());
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      shell: process.platform === 'win32',
    });
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (lines.length > 400) lines.shift();
        options.log(line);
      });
    }
    const abort = (): void => {
      killTree(child.pid);
      reject(cancelled());
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', abort);
      reject(
        error.code === 'ENOENT'
          ? new InstallError(
              'npm-missing',
              `${command} was not found on the PATH. Installing the native backend runs npm, which comes with ` +
                'Node.js (https://nodejs.org); install Node.js, then run the command again.',
            )
          : error,
      );
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      resolve({ code, lines });
    });
  });
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') spawn('taskkill', ['/pid', String(pid), '/T', '/F']);
    else process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function cancelled(): InstallError {
  return new InstallError('cancelled', 'Installing the native backend was cancelled; nothing was changed.');
}

/** Turns npm's failure output into one clear message. */
export function explainNpmFailure(code: number | null, lines: readonly string[]): InstallError {
  const text = lines.join('\n');
  const errors = lines
    .filter((l) => /^npm (ERR!|error) /.test(l))
    .map((l) => l.replace(/^npm (ERR!|error) /, '').trim())
    .filter(Boolean);
  const said =
    errors.find((l) => /failed, reason:|getaddrinfo|Error: /.test(l)) ??
    errors[0] ??
    lines
      .slice(-3)
      .map((l) => l.trim())
      .join(' / ');
  if (/storage\.googleapis\.com|libtensorflow/i.test(text) && NETWORK.test(text)) {
    return new InstallError(
      'download',
      "npm fetched tfjs-node, but its install script could not download libtensorflow from Google's servers " +
        `(storage.googleapis.com): this machine reaches the npm registry only. npm said: ${said}`,
    );
  }
  if (NETWORK.test(text)) {
    return new InstallError(
      'offline',
      `Could not reach the npm registry: is this machine offline or behind a proxy (npm's "proxy" setting)? ` +
        `npm said: ${said}`,
    );
  }
  return new InstallError('npm-failed', `npm install failed (exit ${code ?? 'signal'}): ${said}`);
}

/** Installs, checks that the result loads, then swaps it in. Resolves with the installed tfjs-node version. */
export async function installNativeBackend(options: InstallOptions): Promise<{ version: string }> {
  const staging = `${options.prefix}.installing`;
  const env = { ...(options.env ?? process.env) };
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    // A package.json makes the staging folder npm's project root (npm would otherwise walk up for one).
    writeFileSync(
      `${staging}/package.json`,
      JSON.stringify({ name: 'snn-lab-native-backend', private: true, description: 'Installed by SNN Lab' }),
    );
    const npm = options.npm ?? 'npm';
    const common = {
      cwd: staging,
      env,
      log: options.log,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    options.log(`$ ${npm} install ${options.spec} (in ${staging})`);
    const installed = await run(
      npm,
      ['install', options.spec, '--no-audit', '--no-fund', '--omit=dev'],
      common,
    );
    if (installed.code !== 0) throw explainNpmFailure(installed.code, installed.lines);
    options.log('checking that tfjs-node loads…');
    const nodePath = options.nodePath ?? process.execPath;
    const check = await run(nodePath, ['-e', LOAD_CHECK, staging], {
      ...common,
      env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const report = check.lines.find((l) => l.startsWith('snn-lab-native '));
    if (check.code !== 0 || !report) {
      const why = check.lines.find((l) => /Error/.test(l)) ?? check.lines.at(-1) ?? `exit ${check.code}`;
      throw new InstallError('load-failed', `tfjs-node installed but does not load: ${why.trim()}`);
    }
    const { version } = JSON.parse(report.slice('snn-lab-native '.length)) as { version: string };
    const previous = `${options.prefix}.previous`;
    rmSync(previous, { recursive: true, force: true });
    if (existsSync(options.prefix)) renameSync(options.prefix, previous);
    renameSync(staging, options.prefix);
    rmSync(previous, { recursive: true, force: true });
    options.log(`installed tfjs-node ${version} into ${options.prefix}`);
    return { version };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
