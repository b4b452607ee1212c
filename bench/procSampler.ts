// Per-process and per-thread CPU time of this process's children, sampled from /proc while they run: where a
// trainer's CPU goes (its main thread against V8's and libuv's helper threads) and how long it waited for a core.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ of /proc's tick counts (100 on Linux). */
const TICKS_PER_S = 100;

interface ThreadSample {
  name: string;
  cpuS: number;
}

/** The last values read for one child process. */
export interface ChildCpu {
  pid: number;
  /** CPU seconds of the main thread (the one whose id is the process id). */
  mainCpuS: number;
  /** CPU seconds of every other thread, summed by thread name (V8 workers, libuv's pool, …). */
  helperCpuS: Map<string, number>;
  /** Time its main thread waited runnable for a core, seconds (/proc/<pid>/schedstat's second field). */
  waitS: number;
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** utime + stime of a /proc stat line, in seconds. */
function statCpuS(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) are at 11 and 12 after the command name and state.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

function childPids(): number[] {
  const pids: number[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    for (const pid of readOr(`/proc/self/task/${tid}/children`).trim().split(/\s+/)) {
      if (pid !== '') pids.push(Number(pid));
    }
  }
  return pids;
}

/**
 * Samples every `intervalMs` until stop(); a thread's figure is its last sample, so up to one interval of a
 * process's last moments is missed (the cutime total of /proc/self/stat is exact; this is the breakdown).
 */
export class ChildCpuSampler {
  private readonly children = new Map<number, { threads: Map<number, ThreadSample>; waitS: number }>();
  private readonly timer: NodeJS.Timeout;
  /** Each thread's name, read once (a thread keeps its name; re-reading it doubled the /proc reads per sample). */
  private readonly names = new Map<string, string>();
  /** Milliseconds this process spent sampling (synchronous /proc reads: CPU time of the host process, reported). */
  ownMs = 0;

  /**
   * Every 100 ms. The sampler's own reads are CPU time of the bench process, competing with the trainers for the 2
   * cores (0.02 s alone, 0.04 s per pair, printed); each thread's name is read once, not at every sample.
   */
  constructor(intervalMs = 100) {
    this.timer = setInterval(() => {
      const t0 = performance.now();
      this.sample();
      this.ownMs += performance.now() - t0;
    }, intervalMs);
  }

  private sample(): void {
    for (const pid of childPids()) {
      let child = this.children.get(pid);
      if (!child) {
        child = { threads: new Map(), waitS: 0 };
        this.children.set(pid, child);
      }
      let tids: string[];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        const stat = readOr(`/proc/${pid}/task/${tid}/stat`);
        if (stat === '') continue;
        const key = `${pid}/${tid}`;
        let name = this.names.get(key);
        if (name === undefined) {
          name = readOr(`/proc/${pid}/task/${tid}/comm`).trim();
          this.names.set(key, name);
        }
        child.threads.set(Number(tid), { name, cpuS: statCpuS(stat) });
      }
      const sched = readOr(`/proc/${pid}/schedstat`).trim().split(' ');
      if (sched.length >= 2) child.waitS = Number(sched[1]) / 1e9;
    }
  }

  /** Stops sampling; the children seen, with their last figures. */
  stop(): ChildCpu[] {
    clearInterval(this.timer);
    this.sample();
    return [...this.children].map(([pid, child]) => {
      const helperCpuS = new Map<string, number>();
      let mainCpuS = 0;
      for (const [tid, t] of child.threads) {
        if (tid === pid) mainCpuS = t.cpuS;
        else helperCpuS.set(t.name, (helperCpuS.get(t.name) ?? 0) + t.cpuS);
      }
      return { pid, mainCpuS, helperCpuS, waitS: child.waitS };
    });
  }
}

/** "main thread 3.01 s, other threads V8 DefaultWorke 0.30 s, …; main thread waited … 0.12 s" for one child. */
export function describeChild(c: ChildCpu): string {
  const helpers = [...c.helperCpuS]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(2)} s`);
  const list = helpers.length > 0 ? helpers.join(', ') : '0';
  return `main thread ${c.mainCpuS.toFixed(2)} s, other threads ${list}; main thread waited for a core ${c.waitS.toFixed(2)} s`;
}

/** This process's CPU seconds so far: its main thread's, and all its other threads' (libuv's pool, V8's workers). */
export function ownThreadsCpuS(): { mainS: number; otherS: number } {
  let mainS = 0;
  let otherS = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readOr(`/proc/self/task/${tid}/stat`);
    if (stat === '') continue;
    if (Number(tid) === process.pid) mainS = statCpuS(stat);
    else otherS += statCpuS(stat);
  }
  return { mainS, otherS };
}
