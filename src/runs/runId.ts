/**
 * Run ids: readable and sortable by creation time, `YYYYMMDD-HHMMSS-<slug>-<4 hex>` (UTC), e.g.
 * `20261127-083012-mnist-depth-snn-depth-16-a3f9`. They name directories, so they stay within [A-Za-z0-9._-].
 */
import { randomBytes } from 'node:crypto';
import { asRunId, type RunId } from '../protocol/ids';

/** Longest slug kept from the run name (the id must stay a comfortable directory name). */
const MAX_SLUG = 40;

/** Lower-case, ASCII letters/digits and single dashes, at most MAX_SLUG characters ('run' if nothing is left). */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'run' : slug;
}

/** Builds a run id from a run name, a creation time and 2 random bytes. */
export function makeRunId(
  name: string,
  now: Date = new Date(),
  random: string = randomBytes(2).toString('hex'),
): RunId {
  const iso = now.toISOString(); // 2026-11-27T08:30:12.345Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return asRunId(`${stamp}-${slugify(name)}-${random}`);
}
