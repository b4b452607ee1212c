/**
 * Typed view of `contributes.configuration` (section `snnLab`). vscode-free: `readSettings` takes the
 * configuration's `get`, so the extension passes `vscode.workspace.getConfiguration('snnLab').get`.
 */
import type { SlurmExecutorConfig } from '../core/config/experimentConfig';
import type { BackendChoice } from '../protocol/trainer';

/** Keys under the `snnLab` section; each is declared in package.json (checked by contributions.test.ts). */
export const SETTING_KEYS = [
  'runsDirectory',
  'maxConcurrentRuns',
  'backend',
  'statsEverySteps',
  'nodePath',
  'allowDatasetsOutsideWorkspace',
  'executor',
  'slurm.partition',
  'slurm.timeLimit',
  'slurm.cpusPerTask',
  'slurm.memory',
  'slurm.extraOptions',
  'slurm.runsDirectory',
  'slurm.maxParallel',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];
export const SETTINGS_SECTION = 'snnLab';

export interface Settings {
  runsDirectory: string;
  maxConcurrentRuns: number;
  backend: BackendChoice;
  /** 0 keeps each experiment's own stats.everySteps. */
  statsEverySteps: number;
  /** Empty: VS Code's own Node runtime through fork. */
  nodePath: string;
  allowDatasetsOutsideWorkspace: boolean;
  executor: 'local' | 'slurm';
  slurm: SlurmExecutorConfig;
}

type Get = (key: SettingKey) => unknown;

/** Reads and sanitises every setting; a wrong type falls back to the default declared in package.json. */
export function readSettings(get: Get): Settings {
  const str = (key: SettingKey, fallback: string): string => {
    const value = get(key);
    return typeof value === 'string' ? value.trim() : fallback;
  };
  const int = (key: SettingKey, fallback: number, min: number): number => {
    const value = get(key);
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(min, Math.floor(value)) : fallback;
  };
  const backend = get('backend');
  const extra = get('slurm.extraOptions');
  const slurm: SlurmExecutorConfig = { kind: 'slurm' };
  const partition = str('slurm.partition', '');
  const timeLimit = str('slurm.timeLimit', '');
  const memory = str('slurm.memory', '');
  const runsDir = str('slurm.runsDirectory', '');
  const parallel = int('slurm.maxParallel', 0, 0);
  if (partition) slurm.partition = partition;
  if (timeLimit) slurm.timeLimit = timeLimit;
  if (memory) slurm.memory = memory;
  if (runsDir) slurm.runsDir = runsDir;
  if (parallel > 0) slurm.parallel = parallel;
  slurm.cpusPerTask = int('slurm.cpusPerTask', 1, 1);
  if (Array.isArray(extra)) {
    slurm.sbatchOptions = extra.filter((o): o is string => typeof o === 'string' && o !== '');
  }
  return {
    runsDirectory: str('runsDirectory', '.snn-lab/runs') || '.snn-lab/runs',
    maxConcurrentRuns: int('maxConcurrentRuns', 1, 1),
    backend: backend === 'tensorflow' || backend === 'wasm' || backend === 'cpu' ? backend : 'auto',
    statsEverySteps: int('statsEverySteps', 0, 0),
    nodePath: str('nodePath', ''),
    allowDatasetsOutsideWorkspace: get('allowDatasetsOutsideWorkspace') === true,
    executor: get('executor') === 'slurm' ? 'slurm' : 'local',
    slurm,
  };
}
