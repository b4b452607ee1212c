#!/usr/bin/env node
// @ts-check
// `npm start`: builds SNN Lab, then opens it as a development extension in a real VS Code on examples/:
// desktop `code --extensionDevelopmentPath` when a `code` CLI exists, else code-server in the browser on 127.0.0.1.
// Usage: node scripts/start.mjs [--browser] [--port N] [folder]   (Ctrl+C stops the server it started)
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { REPO_ROOT, cacheRoot, ensureCodeServer } from './e2e/codeServer.mjs';
import { freePort, makeScratch, startServer, workbenchUrl } from './e2e/server.mjs';

const args = process.argv.slice(2);
const portAt = args.indexOf('--port');
const requestedPort = portAt >= 0 ? Number(args[portAt + 1]) : undefined;
const positional = args.filter((a, i) => !a.startsWith('--') && (portAt < 0 || i !== portAt + 1));
const folder = resolve(positional[0] ?? join(REPO_ROOT, 'examples'));

/** Resolves true if something already listens on 127.0.0.1:port. @param {number} port */
async function portTaken(port) {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch (err) {
    return /** @type {Error | undefined} */ (err)?.name === 'TimeoutError';
  }
}

console.log('$ node esbuild.mjs');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('build failed; fix the errors above and run npm start again');
  process.exit(1);
}

const code = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
if (code && !args.includes('--browser')) {
  console.log(`$ code --extensionDevelopmentPath=${REPO_ROOT} ${folder}`);
  const child = spawn(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, folder], { stdio: 'inherit' });
  child.on('exit', (status) => process.exit(status ?? 0));
} else {
  if (!code) {
    console.log('no `code` CLI on PATH: opening SNN Lab in VS Code for the browser (code-server) instead');
  }
  await ensureCodeServer();
  // A persistent profile under the cache (or $SNN_LAB_START_PROFILE), so settings and editors survive restarts.
  const scratch = makeScratch({
    root: process.env.SNN_LAB_START_PROFILE ?? join(cacheRoot(), 'start-profile'),
  });
  let port = requestedPort ?? 8080;
  if (await portTaken(port)) {
    if (requestedPort) throw new Error(`port ${port} is in use; pick another with --port`);
    port = await freePort();
  }
  const server = await startServer({ kind: 'code-server', port, scratch, keepScratch: true });
  const url = workbenchUrl(server.url, { folder, devPath: REPO_ROOT });
  console.log(`\nSNN Lab is running in VS Code at:\n\n  ${url}\n`);
  console.log(`(server log: ${server.logFile}; listening on 127.0.0.1 only; Ctrl+C to stop)`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
