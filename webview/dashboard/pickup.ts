/**
 * An open dashboard with nothing compared picks up runs as they start: which runs of a new snapshot to select.
 * Pure, so the rule is tested without a page.
 */
import type { RunId } from '../../src/protocol/ids';
import type { DashboardData } from '../shared/store';

/**
 * Runs new since the previous snapshot that are queued or running, when the dashboard compares nothing; none on the
 * first snapshot (runs that were there when the dashboard opened are the user's to pick).
 */
export function newRunsToPick(previous: DashboardData | undefined, next: DashboardData): RunId[] {
  if (!previous || next.selected.length > 0) return [];
  const known = new Set(previous.allRuns.map((r) => r.runId));
  return next.allRuns
    .filter((r) => !known.has(r.runId) && (r.status === 'running' || r.status === 'queued'))
    .map((r) => r.runId);
}
