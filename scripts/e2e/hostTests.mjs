// @ts-check
// Runs a mocha suite inside the real VS Code extension host: loads the extension as a development extension
// through the workbench `payload` URL and collects the result from window.codeAutomationExit (docs/e2e-notes.md §4).
import { launchBrowser } from './browser.mjs';
import { startServer, workbenchUrl } from './server.mjs';

/** Offline noise in the browser console that says nothing about our extension (docs/e2e-notes.md pitfall 16). */
const NOISE =
  /ENOTFOUND|ERR_NAME_NOT_RESOLVED|serviceWorker|service worker|manifest\.json|vsda|ERR_CONNECTION_REFUSED|marketplace/i;

/**
 * Reads mocha's "N passing / N failing / N pending" summary from the collected lines.
 * @param {string[]} lines
 */
export function mochaCounts(lines) {
  const text = lines.join('\n');
  /** @param {RegExp} re */
  const num = (re) => Number(text.match(re)?.[1] ?? 0);
  return { passed: num(/(\d+) passing/), failed: num(/(\d+) failing/), pending: num(/(\d+) pending/) };
}

/**
 * Starts a server, opens the workbench with `devPath` as development extension and `testsPath` as tests
 * module, and resolves { exitCode, passed, failed, pending, lines, seconds }. Never leaves the server running.
 * @param {{ devPath: string, testsPath: string, folder?: string, env?: Record<string, string>, timeoutMs?: number,
 *   verbose?: boolean, log?: (message: string) => void }} options
 */
export async function runHostTests({
  devPath,
  testsPath,
  folder,
  env = {},
  timeoutMs = 300_000,
  verbose = false,
  log = console.log,
}) {
  const started = Date.now();
  const server = await startServer({ env });
  const browser = await launchBrowser().catch(async (err) => {
    await server.stop();
    throw err;
  });
  /** @type {string[]} */
  const lines = [];
  try {
    const { page } = browser;
    page.on('console', (msg) => {
      const text = msg.text();
      const at = text.indexOf('[mocha] ');
      if (at >= 0) {
        for (const line of text.slice(at).split('\n')) {
          const clean = line.replace(/^\[mocha\] ?/, '');
          lines.push(clean);
          log(`    ${clean}`);
        }
      } else if (verbose || (/ERR /.test(text) && !NOISE.test(text))) {
        log(`    [host] ${text.replace(/%c\s*/g, '').slice(0, 500)}`);
      }
    });
    /** @type {(code: number) => void} */
    let exited;
    /** @type {Promise<number>} */
    const done = new Promise((resolve) => {
      exited = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => exited(code));
    await page.exposeFunction('codeAutomationLog', () => {});
    // Only until the server answers (the load event took over 30 s at load 15); the suite's end is awaited below.
    await page.goto(workbenchUrl(server.url, { folder, devPath, testsPath }), {
      waitUntil: 'commit',
      timeout: 60_000,
    });
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    /** @type {Promise<'timeout'>} */
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const code = await Promise.race([done, timeout]);
    clearTimeout(timer);
    const counts = mochaCounts(lines);
    const seconds = (Date.now() - started) / 1000;
    if (code === 'timeout') {
      log(
        `  extension-host tests timed out after ${timeoutMs / 1000} s; server log tail:\n${server.readLog().slice(-3000)}`,
      );
      return { exitCode: 1, ...counts, failed: Math.max(1, counts.failed), lines, seconds };
    }
    log(`  codeAutomationExit(${code}) after ${seconds.toFixed(1)} s`);
    if (code !== 0) log(`  server log tail:\n${server.readLog().slice(-2000)}`);
    return { exitCode: code, ...counts, lines, seconds };
  } finally {
    await browser.close();
    await server.stop();
  }
}
