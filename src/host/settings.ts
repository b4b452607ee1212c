/**
 * Typed view of `contributes.configuration` (section `snnLab`). vscode-free: `readSettings` takes the
 * configuration's `get`, so the extension passes `vscode.workspace.getConfiguration('snnLab').get`.
 */
import type { SlurmExecutorConfig } from '../core/config/experimentConfig';
import type { PlanLimits } from '../core/config/limits';
import type { BackendChoice } from '../protocol/trainer';
import manifest from '../../package.json';

/** Keys under the `snnLab` section; each is declared in package.json (checked by contributions.test.ts). */
export const SETTING_KEYS = [
  'runsDirectory',
  'maxConcurrentRuns',
  'maxRunsPerFile',
  'memoryBudgetMB',
  'backend',
  'statsEverySteps',
  'statsBudgetMB',
  'nodePath',
  'pythonPath',
  'allowDatasetsOutsideWorkspace',
  'createGitignore',
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
  /** Plan limits for validation: runs per file, memory per run in MiB. */
  limits: PlanLimits;
  backend: BackendChoice;
  /** 0 keeps each experiment's own stats.everySteps. */
  statsEverySteps: number;
  /** Most MB of statistics a run stores (its loss reports get a quarter); past it reports are thinned. */
  statsBudgetMB: number;
  /** Empty: VS Code's own Node runtime through fork. */
  nodePath: string;
  /** Python for "Run with SNN Lab"; empty: the Python extension's interpreter, else python3 on the PATH. */
  pythonPath: string;
  allowDatasetsOutsideWorkspace: boolean;
  /** Write `.snn-lab/.gitignore` when SNN Lab creates `.snn-lab/`. */
  createGitignore: boolean;
  executor: 'local' | 'slurm';
  slurm: SlurmExecutorConfig;
}

type Get = (key: SettingKey) => unknown;

interface DeclaredSetting {
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
}

/** package.json's declarations: the one source of every setting's default, range and allowed values. */
const DECLARED = manifest.contributes.configuration.properties as Record<string, DeclaredSetting>;

function declared(key: SettingKey): DeclaredSetting {
  const entry = DECLARED[`${SETTINGS_SECTION}.${key}`];
  if (!entry) throw new Error(`setting ${SETTINGS_SECTION}.${key} is not declared in package.json`);
  return entry;
}

/** Reads and sanitises every setting; a wrong type or out-of-range value falls back to / is clamped by package.json. */
export function readSettings(get: Get): Settings {
  const str = (key: SettingKey): string => {
    const value = get(key);
    const fallback = declared(key).default;
    return typeof value === 'string' ? value.trim() : typeof fallback === 'string' ? fallback : '';
  };
  const int = (key: SettingKey): number => {
    const { default: fallback, minimum = -Infinity, maximum = Infinity } = declared(key);
    const value = get(key);
    const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : Number(fallback);
    return Math.min(maximum, Math.max(minimum, n));
  };
  const choice = <T extends string>(key: SettingKey): T => {
    const value = get(key);
    const { enum: allowed = [], default: fallback } = declared(key);
    return (allowed.includes(value) ? value : fallback) as T;
  };
  const extra = get('slurm.extraOptions');
  const slurm: SlurmExecutorConfig = { kind: 'slurm' };
  const partition = str('slurm.partition');
  const timeLimit = str('slurm.timeLimit');
  const memory = str('slurm.memory');
  const runsDir = str('slurm.runsDirectory');
  const parallel = int('slurm.maxParallel');
  if (partition) slurm.partition = partition;
  if (timeLimit) slurm.timeLimit = timeLimit;
  if (memory) slurm.memory = memory;
  if (runsDir) slurm.runsDir = runsDir;
  if (parallel > 0) slurm.parallel = parallel;
  slurm.cpusPerTask = int('slurm.cpusPerTask');
  if (Array.isArray(extra)) {
    slurm.sbatchOptions = extra.filter((o): o is string => typeof o === 'string' && o !== '');
  }
  return {
    runsDirectory: str('runsDirectory') || String(declared('runsDirectory').default),
    maxConcurrentRuns: int('maxConcurrentRuns'),
    limits: { maxRuns: int('maxRunsPerFile'), memoryBudgetMB: int('memoryBudgetMB') },
    backend: choice<BackendChoice>('backend'),
    statsEverySteps: int('statsEverySteps'),
    statsBudgetMB: int('statsBudgetMB'),
    nodePath: str('nodePath'),
    pythonPath: str('pythonPath'),
    allowDatasetsOutsideWorkspace: get('allowDatasetsOutsideWorkspace') === true,
    createGitignore: get('createGitignore') !== false,
    executor: choice<'local' | 'slurm'>('executor'),
    slurm,
  };
}
