/** The check before a run directory is deleted: a real run directory directly inside the runs directory. */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isRunId, type RunId } from '../protocol/ids';
import { RUN_FILES } from './runSchema';
import { RunStoreError } from './runWriter';

/**
 * The real path of a run's directory under `runsDir`. Refuses (RunStoreError) a name that is not a run id, a link,
 * anything but a directory directly inside the runs directory once links are resolved, and a directory that holds
 * neither meta.json nor config.json.
 */
export function safeRunDir(runsDir: string, runId: RunId): string {
  const refuse = (why: string): never => {
    throw new RunStoreError(`refusing to delete ${JSON.stringify(String(runId).slice(0, 130))}: ${why}`);
  };
  if (!isRunId(runId)) refuse('not a run id');
  const dir = join(runsDir, runId);
  let real: string;
  let root: string;
  try {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) refuse('it is a symbolic link');
    if (!stat.isDirectory()) refuse('it is not a directory');
    real = realpathSync(dir);
    root = realpathSync(runsDir);
  } catch (error) {
    if (error instanceof RunStoreError) throw error;
    return refuse(`no run directory ${dir} (${(error as Error).message})`);
  }
  if (dirname(real) !== root || basename(real) !== runId) refuse(`${real} is not inside ${root}`);
  const isRunFile = (file: string): boolean => {
    try {
      return lstatSync(join(real, file)).isFile();
    } catch {
      return false;
    }
  };
  if (!isRunFile(RUN_FILES.meta) && !isRunFile(RUN_FILES.config)) {
    refuse(`${real} holds neither ${RUN_FILES.meta} nor ${RUN_FILES.config}; it is not a run directory`);
  }
  return real;
}
