/**
 * What `snn-lab study` works on: the finished runs of an experiment file (or of a runs directory) as StudyRuns,
 * their groups and summaries, nested selection when the file asks for it, paired comparisons and DeLong's test on
 * shared test sets. Everything is computed by src/core/study; this module only gathers the inputs.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExperimentFile, RunPlan } from '../core/config/experimentConfig';
import { comparePairs, type PairedComparison } from '../core/study/compare';
import { delongPairs, testScores, type DelongPair, type TestScoresResult } from '../core/study/delongPairs';
import {
  defaultGroupBy,
  defaultMetrics,
  groupRuns,
  latestPerCoordinates,
  summarizeGroups,
  type GroupSummary,
  type StudyGroup,
  type StudyRun,
} from '../core/study/group';
import { selectPoints, type SelectionChoice } from '../core/study/select';
import type { ZeroMethod } from '../core/study/wilcoxon';
import { RunStore } from '../runs/runStore';
import { readPredictions, selectionMetrics, studyRunOf } from '../runs/studyRuns';
import type { RunData } from '../runs/runTypes';
import { formatProblem, loadExperiment } from '../node/loadExperiment';
import { CliError, resolveRunsDir } from './cliShared';
import { writeErr } from './output';
import { WIDEST_LIMITS } from '../core/config/limits';

export interface StudyFlags {
  runsDir?: string;
  groupBy?: string;
  metric?: string;
  compare?: string[];
  pairBy?: string;
  zeroMethod?: ZeroMethod;
  level?: string;
  json?: boolean;
  csv?: boolean;
}

export interface StudyInput {
  runsDir: string;
  /** Finished training runs, newest per coordinates. */
  runs: RunData[];
  /** Runs of the study that did not finish (failed, diverged, running, ...), by status. */
  unfinished: Record<string, number>;
  file?: ExperimentFile;
  plans?: RunPlan[];
}

/** Reads the study's runs: an experiment file's runs in its runs directory, or every run of a directory. */
export async function loadStudy(target: string, flags: StudyFlags): Promise<StudyInput> {
  const info = existsSync(target) ? statSync(target) : undefined;
  if (!info) throw new CliError(`${target}: no such file or directory`);
  let file: ExperimentFile | undefined;
  let plans: RunPlan[] | undefined;
  let runsDir: string;
  let belongs = (_data: RunData): boolean => true;
  if (info.isFile()) {
    const loaded = await loadExperiment(target, WIDEST_LIMITS);
    for (const problem of loaded.problems) writeErr(`${formatProblem(target, problem)}\n`);
    if (!loaded.file) throw new CliError(`${target}: the experiment file has errors`);
    file = loaded.file;
    plans = loaded.plans;
    runsDir = resolveRunsDir(flags.runsDir, loaded.path);
    belongs = (data) => data.meta.experiment === loaded.path;
  } else {
    const nested = join(resolve(target), '.snn-lab', 'runs');
    runsDir =
      flags.runsDir !== undefined ? resolve(flags.runsDir) : existsSync(nested) ? nested : resolve(target);
  }
  const store = new RunStore(runsDir);
  const all = store
    .list()
    .filter((meta) => meta.mode === 'train')
    .map((meta) => store.read(meta.runId))
    .filter((data): data is RunData => data !== undefined && belongs(data));
  const unfinished: Record<string, number> = {};
  for (const data of all) {
    if (data.meta.status !== 'finished') {
      unfinished[data.meta.status] = (unfinished[data.meta.status] ?? 0) + 1;
    }
  }
  const finished = all.filter((data) => data.meta.status === 'finished' && data.summary !== undefined);
  const keep = new Set(latestPerCoordinates(finished.map(studyRunOf)).map((run) => run.id));
  return { runsDir, runs: finished.filter((data) => keep.has(data.meta.runId)), unfinished, file, plans };
}

export interface SelectionResult {
  metric: string;
  mode: 'min' | 'max';
  choices: SelectionChoice[];
  groups: StudyGroup[];
}

export interface StudyResult {
  groups: StudyGroup[];
  summaries: GroupSummary[];
  metrics: string[];
  selection?: SelectionResult;
  selectionSummaries?: GroupSummary[];
}

/** The metrics to report: --metric (comma list), else every test_ metric the runs have (else every metric). */
function chooseMetrics(runs: readonly StudyRun[], option: string | undefined): string[] {
  if (option !== undefined) {
    return option
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
  }
  return defaultMetrics(runs);
}

/** Groups, summaries and (with sweep.select) the selected runs' groups. */
export function analyseStudy(input: StudyInput, flags: StudyFlags): StudyResult {
  const runs = input.runs.map(studyRunOf);
  const by =
    flags.groupBy
      ?.split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '') ?? defaultGroupBy(runs);
  const level = flags.level !== undefined ? Number(flags.level) : 0.95;
  if (!(level > 0 && level < 1)) throw new CliError(`--level must be a number in (0, 1), got ${flags.level}`);
  const metrics = chooseMetrics(runs, flags.metric);
  const groups = groupRuns(runs, { by });
  const result: StudyResult = { groups, summaries: summarizeGroups(groups, { metrics, level }), metrics };
  const select = input.file?.select;
  if (select) {
    const validation = new Map<string, Record<string, number> | undefined>(
      input.runs.map((data) => [data.meta.runId, selectionMetrics(data)]),
    );
    const picked = selectPoints(runs, (run) => validation.get(run.id), select);
    const mode = select.mode ?? (/loss|mse/.test(select.metric) ? 'min' : 'max');
    const selectedGroups = groupRuns(picked.runs, { by: defaultGroupBy(picked.runs) });
    result.selection = { metric: select.metric, mode, choices: picked.choices, groups: selectedGroups };
    result.selectionSummaries = summarizeGroups(selectedGroups, { metrics, level });
  }
  return result;
}

/** Finds a group by its label: exactly, else by a '/'-separated part or a unique substring. */
export function findGroup(groups: readonly StudyGroup[], name: string): StudyGroup {
  const exact = groups.filter((g) => g.label === name);
  if (exact.length === 1) return exact[0] as StudyGroup;
  const parts = groups.filter((g) => g.label.split('/').includes(name));
  if (parts.length === 1) return parts[0] as StudyGroup;
  const within = groups.filter((g) => g.label.includes(name));
  if (within.length === 1) return within[0] as StudyGroup;
  const found = (parts.length > 1 ? parts : within).map((g) => g.label);
  const list = (found.length > 0 ? found : groups.map((g) => g.label)).join(', ');
  throw new CliError(
    `--compare: ${found.length > 1 ? `"${name}" matches several groups` : `no group "${name}"`}; groups: ${list}`,
  );
}

/** DeLong's test per matched pair of single runs, reading the runs' predictions.csv (core/study/delongPairs). */
export function delongPairsOf(
  comparison: PairedComparison,
  runs: readonly RunData[],
  store: RunStore,
): DelongPair[] {
  const byId = new Map(runs.map((data) => [data.meta.runId as string, data]));
  return delongPairs(comparison, (id): TestScoresResult | undefined => {
    const data = byId.get(id);
    try {
      const rows = data ? readPredictions(store.runDir(data.meta.runId)) : undefined;
      return rows ? testScores(rows) : undefined;
    } catch (error) {
      return { ok: false, note: (error as Error).message };
    }
  });
}

/** Paired comparisons of two groups on every metric. */
export function compareGroups(
  result: StudyResult,
  names: [string, string],
  flags: StudyFlags,
): { a: StudyGroup; b: StudyGroup; comparisons: PairedComparison[] } {
  const pool = [...result.groups, ...(result.selection?.groups ?? [])];
  const a = findGroup(pool, names[0]);
  const b = findGroup(pool, names[1]);
  if (a === b) {
    throw new CliError(`--compare: "${names[0]}" and "${names[1]}" are the same group (${a.label})`);
  }
  const pairBy = flags.pairBy
    ?.split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const level = flags.level !== undefined ? Number(flags.level) : 0.95;
  const comparisons = result.metrics.map((metric) =>
    comparePairs(a, b, {
      metric,
      level,
      ...(pairBy ? { pairBy } : {}),
      ...(flags.zeroMethod ? { wilcoxon: { zeroMethod: flags.zeroMethod } } : {}),
    }),
  );
  return { a, b, comparisons };
}
