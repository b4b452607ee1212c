/**
 * How one trainer message changes a run: the meta fields it updates (in place) and the lines or files it
 * produces. Pure apart from mutating the given meta, so the store's bookkeeping is unit-testable.
 */
import type { RunSummary } from '../protocol/stats';
import type { FailureReason, TrainerToHost } from '../protocol/trainer';

import type { LayerStatsRecord, MetricRecord, RunMeta } from './runTypes';
import { isTerminal, type RunStatus } from '../core/runStatus';

export interface MessageEffect {
  metric?: MetricRecord;
  layers?: LayerStatsRecord;
  summary?: RunSummary;
  /** A line for trainer.log. */
  log?: string;
  /** Whether meta.json must be rewritten now, soon (progress), or not at all. */
  meta?: 'now' | 'throttled';
}

/** The terminal status of a `failed` message: diverged and stopped have their own statuses. */
export function statusForFailure(reason: FailureReason): RunStatus {
  if (reason === 'diverged') return 'diverged';
  if (reason === 'stopped') return 'stopped';
  return 'failed';
}

/** Applies `message` to `meta` (mutating it) and returns what else to write. */
export function applyMessage(meta: RunMeta, message: TrainerToHost, now: Date): MessageEffect {
  const time = now.getTime();
  const end = (status: RunStatus): boolean => {
    if (isTerminal(meta.status)) return false;
    meta.status = status;
    meta.endedAt = now.toISOString();
    return true;
  };
  switch (message.type) {
    case 'ready':
      meta.backend = message.backend;
      meta.protocolVersion = message.protocolVersion;
      if (meta.executor === undefined || meta.executor.kind === 'local') {
        meta.executor = { kind: 'local', pid: message.pid };
      }
      return { meta: 'now' };
    case 'started':
      meta.layers = message.layers;
      meta.totalSteps = message.totalSteps;
      meta.dataset = {
        samples: message.samples,
        features: message.features,
        classes: message.classes,
        stepsPerEpoch: message.stepsPerEpoch,
      };
      if (message.dataFiles !== undefined) meta.dataFiles = message.dataFiles;
      if (meta.status === 'queued') meta.status = 'running';
      meta.startedAt ??= now.toISOString();
      return { meta: 'now' };
    case 'progress': {
      const { step, epoch, loss, samplesPerSec } = message;
      meta.progress = { step, epoch, loss };
      return { metric: { kind: 'progress', step, epoch, loss, samplesPerSec, time }, meta: 'throttled' };
    }
    case 'epochEnd': {
      const { step, epoch, metrics } = message;
      const loss = metrics.loss ?? meta.progress?.loss;
      if (loss !== undefined) meta.progress = { step, epoch, loss };
      return { metric: { kind: 'epoch', step, epoch, metrics, time }, meta: 'throttled' };
    }
    case 'layerStats':
      return { layers: { step: message.step, epoch: message.epoch, layers: message.layers } };
    case 'log':
      return { log: `[${message.level}] ${message.message}` };
    case 'finished':
      end('finished');
      return { summary: message.summary, meta: 'now' };
    case 'failed': {
      if (end(statusForFailure(message.reason))) {
        meta.failure = {
          reason: message.reason,
          message: message.message,
          ...(message.step !== undefined ? { step: message.step } : {}),
          ...(message.layer !== undefined ? { layer: message.layer } : {}),
        };
        // Progress reports are throttled; the failure names the exact count of steps done (stop, divergence), so
        // the progress every view reads is moved up to it (0-based: the last step done is count - 1).
        if (message.step !== undefined && meta.progress && message.step - 1 > meta.progress.step) {
          meta.progress = { ...meta.progress, step: message.step - 1 };
        }
      }
      const log = `[failed:${message.reason}] ${message.message}${message.stack ? `\n${message.stack}` : ''}`;
      return { log, meta: 'now' };
    }
  }
}
