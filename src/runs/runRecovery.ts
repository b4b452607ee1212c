/** What meta.json says of a run whose owner died before it finished: interrupted, or failed on a full disk. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReader } from './runReader';
import { RUN_FILES } from './runSchema';
import type { RunMeta } from './runTypes';

/**
 * `meta` of a run left 'queued'/'running' by a dead owner, recovered: `interrupted`, or `failed` (disk-full) when
 * the writer left the disk-full marker; `endedAt` is the time of the run's last record (else of meta.json).
 */
export function recoveredMeta(meta: RunMeta, reader: RunReader, now: () => Date): RunMeta {
  const dir = reader.runDir(meta.runId);
  let metaTime: number | undefined;
  try {
    metaTime = statSync(join(dir, RUN_FILES.meta)).mtimeMs;
  } catch {
    metaTime = undefined;
  }
  const last =
    reader.series.lastRecordTime(meta.runId) ?? metaTime ?? Date.parse(meta.startedAt ?? meta.createdAt);
  const endedAt = new Date(Number.isFinite(last) ? last : now().getTime()).toISOString();
  const pid = meta.owner?.pid ?? '?';
  if (reader.diskFullMarker(meta.runId)) {
    const message = `the disk holding ${dir} was full while this run was recorded (by pid ${pid}); its records end at ${endedAt}`;
    return { ...meta, status: 'failed', endedAt, failure: { reason: 'disk-full', message } };
  }
  const did = meta.status === 'queued' ? 'queued' : 'ran';
  const message = `the process that ${did} this run (pid ${pid}) ended before it finished`;
  return { ...meta, status: 'interrupted', endedAt, failure: { reason: 'crashed', message } };
}
