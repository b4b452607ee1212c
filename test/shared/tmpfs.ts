/**
 * A small tmpfs for disk-full tests: mounted by root (as in CI), else the test is skipped with a printed reason.
 * `fill` takes every free byte (or `kb` KB) with a filler file, `release` frees it again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Fills the file system completely (a filler file written until ENOSPC), or takes only `kb` KB of it. */
  fill(kb?: number): void;
  /** Deletes the filler file. */
  release(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `kb` KB, or returns why it cannot (not root, no mount permission). */
export function mountTmpfs(kb: number): Tmpfs | { skip: string } {
  if (process.getuid?.() !== 0) {
    return { skip: 'disk-full test needs root to mount a tmpfs (CI runs as root)' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'snn-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'snn-lab-test', dir], { stdio: 'pipe' });
  } catch (error) {
    rmdirSync(dir);
    return { skip: `cannot mount a tmpfs here: ${(error as Error).message.split('\n')[0]}` };
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill(kb?: number) {
      const block = Buffer.alloc(4096, 1);
      for (let i = 0; kb === undefined || i < kb / 4; i++) {
        try {
          writeFileSync(filler, block, { flag: 'a' });
        } catch {
          return; // tmpfs allocates whole pages: once one cannot be allocated, the file system is full
        }
        if (i > 1_000_000) throw new Error('tmpfs did not fill up');
      }
    },
    release() {
      rmSync(filler, { force: true });
    },
    unmount() {
      execFileSync('umount', [dir]);
      rmdirSync(dir);
    },
  };
}
