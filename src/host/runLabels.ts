/**
 * How a run looks in the runs tree, quick picks and the status bar: label, description, tooltip, icon and
 * contextValue, derived from RunMeta alone. vscode-free (icons are codicon ids + theme colour ids) so it is unit-tested.
 */
import type { RunMeta } from '../runs/runTypes';
import { RUN_ITEM_CONTEXT } from './contributionIds';
import type { RunStatus } from '../core/runStatus';

export interface RunLook {
  label: string;
  description: string;
  tooltip: string;
  /** Codicon id (with ~spin where it animates) and an optional theme colour id. */
  icon: { id: string; color?: string };
  contextValue: string;
}

const ICONS: Record<RunStatus, { id: string; color?: string }> = {
  queued: { id: 'clock' },
  running: { id: 'sync~spin' },
  finished: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  diverged: { id: 'flame', color: 'list.warningForeground' },
  stopped: { id: 'debug-stop' },
  interrupted: { id: 'debug-disconnect', color: 'list.warningForeground' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
};

export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Fraction of steps done in [0, 1], or undefined before the trainer reported its total. */
export function runFraction(meta: RunMeta): number | undefined {
  if (!meta.totalSteps || !meta.progress) return undefined;
  return Math.min(1, Math.max(0, meta.progress.step / meta.totalSteps));
}

/** The run name without its experiment prefix ("mnist/SNN/model.depth=16" -> "SNN/model.depth=16"). */
export function shortName(meta: RunMeta): string {
  const slash = meta.name.indexOf('/');
  return slash > 0 && slash < meta.name.length - 1 ? meta.name.slice(slash + 1) : meta.name;
}

/**
 * "10 s", "5 min", "3 h", "2 d" between two instants ("0 s" below 10 s). Seconds count in steps of 10, so a tree
 * refreshed every 10 s (runsTree.ts) is never more than one step behind.
 */
export function formatAge(fromIso: string, now: number): string {
  const ms = now - Date.parse(fromIso);
  if (!Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${Math.floor(s / 10) * 10} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** "just now", "20 s ago", "5 min ago", or '' for a bad timestamp. */
export function agoText(fromIso: string, now: number): string {
  const age = formatAge(fromIso, now);
  if (age === '') return '';
  return age === '0 s' ? 'just now' : `${age} ago`;
}

/**
 * Steps a run has done: the trainer's last progress report counts 0-based, so it is the count minus one. The store
 * moves it to the step a stop or a divergence reports (runRecord.ts), so every view shows the same number.
 */
export function stepsDone(meta: Pick<RunMeta, 'progress'>): number | undefined {
  return meta.progress ? meta.progress.step + 1 : undefined;
}

/** Why a queued run waits, for its description and tooltip (see queueReason in the host). */
export interface QueueContext {
  /** Local runs this window is running now. */
  running: number;
  /** snnLab.maxConcurrentRuns. */
  limit: number;
}

/** "waiting for a free trainer (1 of 1 running)", or Slurm's state for an array task; undefined unless queued. */
export function queueReason(meta: RunMeta, context: QueueContext | undefined): string | undefined {
  if (meta.status !== 'queued') return undefined;
  if (meta.executor?.kind === 'slurm') {
    return `queued in Slurm, job ${meta.executor.jobId}_${meta.executor.taskId}${meta.executor.state ? ` (${meta.executor.state})` : ''}`;
  }
  if (!context) return 'waiting to start';
  return `waiting for a free trainer (${context.running} of ${context.limit} running; snnLab.maxConcurrentRuns)`;
}

/** One-line status such as "running · epoch 2 · 45%", "finished · loss 0.1234" or "stopped · 3/110 steps". */
export function statusLine(meta: RunMeta, queue?: QueueContext): string {
  const parts: string[] = [meta.mode === 'probe' ? `${meta.status} (probe)` : meta.status];
  const fraction = runFraction(meta);
  const done = stepsDone(meta);
  if (meta.status === 'queued') {
    parts.push(queueReason(meta, queue) ?? '');
  } else if (meta.status === 'running' && meta.progress) {
    parts.push(`epoch ${meta.progress.epoch + 1}`);
    if (fraction !== undefined) parts.push(`${Math.floor(fraction * 100)}%`);
  } else {
    if (meta.status !== 'finished' && done !== undefined && meta.totalSteps) {
      parts.push(`${done}/${meta.totalSteps} steps`);
    }
    if (meta.progress && Number.isFinite(meta.progress.loss)) {
      parts.push(`loss ${meta.progress.loss.toPrecision(4)}`);
    }
  }
  // The reason only when it says more than the status ("failed · data", not "stopped · … · stopped").
  if (meta.failure && !isActive(meta.status) && meta.failure.reason !== meta.status) {
    parts.push(meta.failure.reason);
  }
  return parts.filter((p) => p !== '').join(' · ');
}

/**
 * How a run looks. `label` is the run's short label within what is shown with it (src/core/runNames.ts; default its
 * name's tail); `queue` says why a queued run waits.
 */
export function runLook(meta: RunMeta, now: number, label = shortName(meta), queue?: QueueContext): RunLook {
  const ago = agoText(meta.startedAt ?? meta.createdAt, now);
  const status = statusLine(meta, queue);
  const lines = [
    meta.name,
    `Status: ${status}`,
    `Run id: ${meta.runId}`,
    `Seed: ${meta.seed}${meta.fold !== undefined ? ` · fold ${meta.fold}` : ''}`,
    `Experiment: ${meta.experiment}`,
  ];
  if (meta.backend) lines.push(`Backend: ${meta.backend.name}`);
  if (meta.executor?.kind === 'slurm') lines.push(`Slurm job ${meta.executor.jobId}_${meta.executor.taskId}`);
  if (meta.failure) lines.push(`Failure (${meta.failure.reason}): ${meta.failure.message}`);
  return {
    label,
    description: ago ? `${status} · ${ago}` : status,
    tooltip: lines.join('\n'),
    icon: ICONS[meta.status],
    contextValue: `${RUN_ITEM_CONTEXT}:${meta.status}`,
  };
}

/** Groups runs by experiment file, newest run first in each group and newest group first. */
export function groupByExperiment(runs: RunMeta[]): { experiment: string; runs: RunMeta[] }[] {
  const groups = new Map<string, RunMeta[]>();
  for (const meta of [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt))) {
    const list = groups.get(meta.experiment) ?? [];
    list.push(meta);
    groups.set(meta.experiment, list);
  }
  return [...groups].map(([experiment, list]) => ({ experiment, runs: list }));
}
