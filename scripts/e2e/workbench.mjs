// @ts-check
// One call to get a real VS Code workbench in headless Chromium (server + browser + page) for UI tests,
// and one to tear both down. Tests save step and failure screenshots under ARTIFACTS (test-artifacts/e2e/).
import { join } from 'node:path';
import { gotoWorkbench, launchBrowser } from './browser.mjs';
import { REPO_ROOT } from './codeServer.mjs';
import { startServer, workbenchUrl } from './server.mjs';

/** Where UI tests save their screenshots. */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');

/** An open workbench (see openWorkbench). @typedef {Awaited<ReturnType<typeof openWorkbench>>} Workbench */

/**
 * Starts a server and a browser and opens `folder` in the workbench, with `devPath` loaded as development
 * extension when given (otherwise only extensions installed in `scratch` run). Returns { page, server, close }.
 * @param {{ folder?: string, devPath?: string, scratch?: import('./server.mjs').Scratch, env?: Record<string, string>,
 *   width?: number, height?: number }} [options] `width` and `height`: the viewport in CSS pixels
 */
export async function openWorkbench({ folder, devPath, scratch, env = {}, width, height } = {}) {
  const server = await startServer({ scratch, env });
  /** @type {import('./browser.mjs').Browser | undefined} */
  let browser;
  try {
    browser = await launchBrowser({ width, height });
    await gotoWorkbench(browser.page, workbenchUrl(server.url, { folder, devPath }));
  } catch (err) {
    await browser?.close();
    await server.stop();
    throw err;
  }
  return {
    page: browser.page,
    server,
    /** Stops browser and server; prints the server log tail first when `failed`. */
    async close(failed = false) {
      if (failed) console.log(`server log tail:\n${server.readLog().slice(-1500)}`);
      await browser.close();
      await server.stop();
    },
  };
}
