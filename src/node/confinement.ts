/**
 * Keeps data paths inside the workspace: both sides are compared as real paths (symbolic links resolved), so a link
 * inside the workspace that points outside is outside, and a real folder named `..foo` inside is inside. Shared by
 * the data loader (which enforces it) and the extension host (which reports it before queueing runs).
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** True when `path` is `root` or below it, by their text: `..foo` is a name, only `..` and `../x` climb out. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  if (rel === '') return true;
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The real path of `path` with every symbolic link resolved; for a path that does not exist (yet), the real path of
 * its nearest existing ancestor joined with the rest, so a missing file below a linked folder still resolves.
 */
export async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) return absolute;
      missing.push(basename(current));
      current = parent;
    }
  }
}

/** True when `path`, with links resolved, is inside `root`, with links resolved. */
export async function isReallyInside(root: string, path: string): Promise<boolean> {
  const [realRoot, realTarget] = await Promise.all([realPathOf(root), realPathOf(path)]);
  return isInside(realRoot, realTarget);
}
