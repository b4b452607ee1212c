// "SNN Lab: Install Native Backend" without network: a locally packed stand-in for @tensorflow/tfjs-node is
// installed by real npm into a prefix and checked to load; failures (offline, broken package, no npm, Cancel)
// give their clear error and leave a previous install alone.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  explainNpmFailure,
  installNativeBackend,
  type InstallError,
} from '../../../src/runs/nativeInstaller';
import {
  BROKEN_INDEX,
  packStandIn,
  STAND_IN_VERSION,
  VERSION_ONLY_INDEX,
} from '../../trainer/helpers/standIn';

const root = mkdtempSync(join(tmpdir(), 'snn-native-install-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** npm settings for tests: a registry nobody listens on, no retries, an empty cache (nothing served from it). */
const offlineEnv = (registry = 'http://127.0.0.1:9/'): NodeJS.ProcessEnv => ({
  ...process.env,
  npm_config_registry: registry,
  npm_config_fetch_retries: '0',
  npm_config_cache: mkdtempSync(join(root, 'cache-')),
  npm_config_update_notifier: 'false',
});

test('installs a packed stand-in with npm, checks that it loads, and reports its version', async () => {
  const prefix = join(root, 'ok');
  const lines: string[] = [];
  const result = await installNativeBackend({
    prefix,
    spec: packStandIn(VERSION_ONLY_INDEX),
    env: offlineEnv(),
    log: (line) => lines.push(line),
  });
  assert.equal(result.version, STAND_IN_VERSION);
  const pkg = join(prefix, 'node_modules', '@tensorflow', 'tfjs-node', 'package.json');
  assert.equal((JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version, STAND_IN_VERSION);
  assert.ok(!existsSync(`${prefix}.installing`), 'no staging folder left');
  assert.ok(
    lines.some((l) => /added 1 package/.test(l)),
    `npm's own output is logged: ${lines.join(' | ')}`,
  );

  // A stand-in that installs but does not load is refused, and the working install stays.
  await assert.rejects(
    installNativeBackend({ prefix, spec: packStandIn(BROKEN_INDEX), env: offlineEnv(), log: () => {} }),
    (error: InstallError) =>
      error.kind === 'load-failed' &&
      /installed but does not load: .*libtensorflow\.so\.2/.test(error.message),
  );
  assert.ok(existsSync(pkg), 'the previous install is kept');
  assert.ok(!existsSync(`${prefix}.installing`));
});

test('offline: a clear "could not reach the npm registry" error, and nothing is created', async () => {
  const prefix = join(root, 'offline');
  await assert.rejects(
    installNativeBackend({ prefix, spec: '@tensorflow/tfjs-node@^4.22.0', env: offlineEnv(), log: () => {} }),
    (error: InstallError) =>
      error.kind === 'offline' &&
      /^Could not reach the npm registry: is this machine offline/.test(error.message) &&
      /ECONNREFUSED/.test(error.message),
  );
  assert.ok(!existsSync(prefix) && !existsSync(`${prefix}.installing`));
});

test('Cancel while npm waits on the network kills it at once and changes nothing', async () => {
  const sockets: Socket[] = [];
  // Accepts and reads, never answers (reading lets a socket notice the peer's end).
  const silent: Server = createServer((socket) => sockets.push(socket.resume()));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const prefix = join(root, 'cancel');
  const abort = new AbortController();
  const started = Date.now();
  const install = installNativeBackend({
    prefix,
    spec: '@tensorflow/tfjs-node@^4.22.0',
    env: offlineEnv(`http://127.0.0.1:${port}/`),
    log: () => {},
    signal: abort.signal,
  });
  // Cancel once npm has connected to the registry (it is then waiting for an answer that never comes).
  while (sockets.length === 0 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 50));
  assert.ok(sockets.length > 0, 'npm reached the (silent) registry');
  abort.abort();
  await assert.rejects(install, (error: InstallError) => error.kind === 'cancelled');
  assert.ok(Date.now() - started < 30_000);
  assert.ok(!existsSync(prefix) && !existsSync(`${prefix}.installing`));
  // npm was killed: its connections to the registry close.
  const closed = await Promise.race([
    Promise.all(sockets.map((s) => new Promise((r) => (s.destroyed ? r(0) : s.once('close', r))))),
    new Promise((r) => setTimeout(() => r('timeout'), 10_000)),
  ]);
  assert.notEqual(closed, 'timeout', 'npm’s connection closed after Cancel');
});

test('no npm on the PATH: says so and how to get it', async () => {
  await assert.rejects(
    installNativeBackend({
      prefix: join(root, 'no-npm'),
      spec: 'x',
      npm: join(root, 'no-such-npm'),
      log: () => {},
    }),
    (error: InstallError) => error.kind === 'npm-missing' && /comes with Node\.js/.test(error.message),
  );
});

test('npm output naming libtensorflow’s download is explained as blocked download, other failures quoted', () => {
  const download = explainNpmFailure(1, [
    'npm error path /x/node_modules/@tensorflow/tfjs-node',
    'npm error command sh -c node scripts/install.js',
    '* Downloading libtensorflow https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz',
    'npm error Error: getaddrinfo ENOTFOUND storage.googleapis.com',
  ]);
  assert.equal(download.kind, 'download');
  assert.match(
    download.message,
    /could not download libtensorflow .*getaddrinfo ENOTFOUND storage\.googleapis\.com/,
  );
  const other = explainNpmFailure(1, [
    'npm error code E404',
    'npm error 404 Not Found - GET https://r/x - Not found',
  ]);
  assert.equal(other.kind, 'npm-failed');
  assert.match(other.message, /^npm install failed \(exit 1\): code E404/);
});
