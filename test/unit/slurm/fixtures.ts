/** Loads Slurm outputs captured from a real Slurm 22.05 single-node cluster (see fixtures/README.md). */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const candidates = [
  join(process.cwd(), 'test/unit/slurm/fixtures'),
  resolve(__dirname, '../../../../test/unit/slurm/fixtures'),
];

/** Returns the text of fixtures/<name>. */
export function fixture(name: string): string {
  const dir = candidates.find((d) => existsSync(join(d, name)));
  if (!dir) throw new Error(`fixture ${name} not found in ${candidates.join(' or ')}`);
  return readFileSync(join(dir, name), 'utf8');
}
