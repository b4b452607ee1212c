/**
 * Host-side check that an experiment's CSV paths stay inside the workspace (unless the user allows otherwise),
 * so a refused path is reported before any run is queued. The trainer's loader enforces the same rule with the
 * same function (src/node/confinement.ts: real paths, links resolved). vscode-free.
 */
import { dirname, resolve } from 'node:path';
import type { RunPlan } from '../core/config/experimentConfig';
import { isReallyInside } from '../node/confinement';

/** Absolute CSV paths of the plans whose real paths lie outside `workspaceRoot`, without duplicates. */
export async function pathsOutsideWorkspace(
  plans: RunPlan[],
  experimentPath: string,
  workspaceRoot: string,
): Promise<string[]> {
  const baseDir = dirname(experimentPath);
  const paths = new Set<string>();
  for (const plan of plans) {
    const data = plan.config.data;
    if (data.source === 'csv') paths.add(resolve(baseDir, data.path));
  }
  const checked = await Promise.all(
    [...paths].map(async (path) => ((await isReallyInside(workspaceRoot, path)) ? [] : [path])),
  );
  return checked.flat();
}
