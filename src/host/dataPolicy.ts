/**
 * Host-side check that an experiment's CSV paths stay inside the workspace (unless the user allows otherwise),
 * so a refused path is reported before any run is queued. The trainer's loader enforces the same rule. vscode-free.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { RunPlan } from '../core/config/experimentConfig';

/** True when `path` is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Absolute CSV paths of the plans that resolve outside `workspaceRoot`, without duplicates. */
export function pathsOutsideWorkspace(
  plans: RunPlan[],
  experimentPath: string,
  workspaceRoot: string,
): string[] {
  const baseDir = dirname(experimentPath);
  const outside = new Set<string>();
  for (const plan of plans) {
    const data = plan.config.data;
    if (data.source !== 'csv') continue;
    const absolute = resolve(baseDir, data.path);
    if (!isInside(workspaceRoot, absolute)) outside.add(absolute);
  }
  return [...outside];
}
