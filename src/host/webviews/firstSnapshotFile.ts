/** A reopened dashboard's first snapshot as a script file its page loads beside the bundle, and the folder of those. */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_MESSAGE_GLOBAL } from '../../protocol/webview';

/**
 * The script: `window.__snnLabFirst = [key, JSON text]`, the page's JSON.parse of one string literal. In the HTML, as
 * a JSON data block, Blink's tokenizer read the 1.5 MB snapshot of 100 runs character by character for ~100–200 ms
 * before the deferred bundle could run; as a script it is fetched beside the bundle and V8 scans the literal in a
 * few ms (docs/dashboard.md, "The first snapshot beside the bundle"). JSON.stringify escapes quotes, backslashes and
 * control characters, so no run name can end the literal; U+2028/2029 are legal in string literals (ES2019).
 */
export function firstScript(key: string, message: unknown): string {
  return `window.${FIRST_MESSAGE_GLOBAL}=${JSON.stringify([key, JSON.stringify(message)])};\n`;
}

/** Files older than this when the extension starts are left from a window that closed before removing them. */
const STALE_MS = 10 * 60_000;

/** The folder of first-snapshot scripts (in the extension's global storage, a webview resource root). */
export class FirstSnapshotFiles {
  constructor(readonly dir: string) {}

  /** Writes `message` as a script under a new key. */
  async write(message: unknown): Promise<{ key: string; path: string }> {
    await mkdir(this.dir, { recursive: true });
    const key = randomUUID();
    const path = join(this.dir, `${key}.js`);
    await writeFile(path, firstScript(key, message));
    return { key, path };
  }

  /** Removes one script (its page ran it, or its panel is gone); a missing file is not an error. */
  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /**
   * Removes scripts left by windows that ended before their page said `ready` (other windows share the folder: only
   * files older than 10 minutes go, never one a page may still be loading).
   */
  async removeStale(now = Date.now()): Promise<number> {
    let removed = 0;
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!/^[\w-]+\.js$/.test(name)) continue;
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && now - info.mtimeMs > STALE_MS) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
