/**
 * Parsers for the text Slurm's client tools print (`sbatch --parsable`, `squeue -o '%i|%T|%r'`,
 * `scontrol -o show job`), checked against outputs captured from Slurm 22.05 (test/unit/slurm/fixtures). Pure.
 */

/** The `squeue` output format the executor asks for: job id (`<array>_<task>`), state (long form), reason. */
export const SQUEUE_FORMAT = '%i|%T|%r';

/** One array task as seen by squeue or scontrol. */
export interface SlurmTaskState {
  arrayJobId: string;
  taskId: number;
  /** Long state name, e.g. PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY. */
  state: string;
  /** Why it waits or ended, e.g. JobArrayTaskLimit, NonZeroExitCode ("None" is dropped). */
  reason?: string;
  /** From scontrol only: the exit code and the signal that ended it (`ExitCode=3:0` -> 3, 0). */
  exitCode?: number;
  signal?: number;
  /** From scontrol only: the task's own job id and its output file. */
  jobId?: string;
  stdOut?: string;
  nodeList?: string;
  runTime?: string;
}

/**
 * Expands Slurm's task-id list syntax: "3", "2-5", "1,3,6-7", with an optional throttle suffix "%2" and
 * optional brackets ("[2-5%2]"). Returns the ids in ascending order; throws on anything else.
 */
export function expandTaskIds(text: string): number[] {
  const body = text
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%\d+$/, '');
  const ids = new Set<number>();
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a Slurm task id list: ${JSON.stringify(text)}`);
    const from = Number(m[1]);
    const to = m[2] !== undefined ? Number(m[2]) : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (to < from || step < 1 || to - from > 1_000_000) {
      throw new Error(`not a Slurm task id list: ${JSON.stringify(text)}`);
    }
    for (let id = from; id <= to; id += step) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Parses `sbatch --parsable` stdout: "<jobid>" or "<jobid>;<cluster>". */
export function parseSbatchParsable(stdout: string): { jobId: string; cluster?: string } {
  const line = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  const m = /^(\d+)(?:;(\S+))?$/.exec(line);
  if (!m?.[1]) throw new Error(`sbatch printed no job id (output: ${JSON.stringify(stdout.trim())})`);
  return m[2] ? { jobId: m[1], cluster: m[2] } : { jobId: m[1] };
}

/** Parses `squeue -h -t all --array -o '%i|%T|%r'` (also the grouped form `7_[2-5%2]` of a plain squeue). */
export function parseSqueue(stdout: string): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const [id, state, reason] = line.split('|');
    const m = /^(\d+)_(\[[^\]]+\]|\d+)$/.exec(id ?? '');
    if (!m?.[1] || !m[2] || !state) continue; // a non-array job or a line we do not understand
    for (const taskId of expandTaskIds(m[2])) {
      tasks.push({ arrayJobId: m[1], taskId, state, ...(reason && reason !== 'None' ? { reason } : {}) });
    }
  }
  return tasks;
}

/** Splits one `scontrol -o` line into key=value fields (values may contain spaces; keys never do). */
export function parseScontrolFields(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_/:.]*)=/g;
  const marks: { key: string; start: number; valueStart: number }[] = [];
  for (let m = re.exec(line); m; m = re.exec(line)) {
    marks.push({ key: m[1] ?? '', start: m.index, valueStart: m.index + m[0].length });
  }
  marks.forEach((mark, i) => {
    const end = marks[i + 1]?.start ?? line.length;
    fields[mark.key] = line.slice(mark.valueStart, end).trim();
  });
  return fields;
}

/**
 * Parses `scontrol -o show job <arrayJobId>`: one line per task record. A record of not-yet-started tasks covers a
 * range (`ArrayTaskId=2-5%2`) and is expanded to one entry per task. Lines that are not array tasks are skipped.
 */
export function parseScontrolJobs(stdout: string): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('JobId=')) continue;
    const f = parseScontrolFields(line);
    if (!f.ArrayJobId || !f.ArrayTaskId || !f.JobState) continue;
    const exit = /^(\d+):(\d+)$/.exec(f.ExitCode ?? '');
    const single = /^\d+$/.test(f.ArrayTaskId);
    for (const taskId of expandTaskIds(f.ArrayTaskId)) {
      tasks.push({
        arrayJobId: f.ArrayJobId,
        taskId,
        state: f.JobState,
        ...(f.Reason && f.Reason !== 'None' ? { reason: f.Reason } : {}),
        ...(exit ? { exitCode: Number(exit[1]), signal: Number(exit[2]) } : {}),
        ...(single && f.JobId ? { jobId: f.JobId } : {}),
        ...(single && f.StdOut ? { stdOut: f.StdOut } : {}),
        ...(f.NodeList ? { nodeList: f.NodeList } : {}),
        ...(f.RunTime ? { runTime: f.RunTime } : {}),
      });
    }
  }
  return tasks;
}

/** True when `scontrol`/`squeue` stderr says the job is unknown (finished longer than MinJobAge ago, or never existed). */
export function isUnknownJobError(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}
