/**
 * What two processes on this machine's cores get, independent of SNN Lab: a fixed amount of work run alone and two
 * copies at once, for a compute-only loop (registers, no memory traffic) and a memory-streaming loop (sums over a
 * 64 MB array, twice the L3), with each process's CPU time and its time waiting for a core (/proc/self/schedstat).
 * The sweep target (2 runs ≥ 0.9 × 2 × one run) is judged against these: when even the compute-only pair falls
 * short, the shortfall is the share of the cores the machine gives, not the trainer. Run: npm run bench -- cores.
 */
import { spawnSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

const KINDS = ['compute', 'memory'] as const;
type Kind = (typeof KINDS)[number];

interface Sample {
  wallMs: number;
  cpuMs: number;
  waitMs: number;
}

/** Nanoseconds on a CPU and waiting on a run queue (the first two fields of /proc/self/schedstat). */
function schedstat(): { runNs: number; waitNs: number } {
  const [run, wait] = readFileSync('/proc/self/schedstat', 'utf8').split(' ').map(Number);
  return { runNs: run ?? 0, waitNs: wait ?? 0 };
}

function work(kind: Kind): number {
  if (kind === 'compute') {
    let a = 1;
    let b = 2;
    for (let i = 0; i < 600_000_000; i++) {
      a = (a * 1103515245 + b) | 0;
      b = (b ^ (a >>> 7)) | 0;
    }
    return a + b;
  }
  const data = new Float32Array(16 * 1024 * 1024).fill(1);
  let s = 0;
  for (let r = 0; r < 300; r++) for (let i = 0; i < data.length; i += 4) s += data[i] as number;
  return s;
}

function child(kind: Kind): void {
  const s0 = schedstat();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = work(kind);
  const c = process.cpuUsage(c0);
  const s1 = schedstat();
  const sample: Sample = {
    wallMs: performance.now() - t0,
    cpuMs: (c.user + c.system) / 1000,
    waitMs: (s1.waitNs - s0.waitNs) / 1e6,
  };
  process.stdout.write(`${JSON.stringify({ ...sample, result })}\n`);
}

async function runPair(kind: Kind, count: number): Promise<Sample[]> {
  const runs = Array.from(
    { length: count },
    () =>
      new Promise<Sample>((resolve, reject) => {
        const p = spawn(process.execPath, [__filename, '--child', kind], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('error', reject);
        p.on('close', (code) =>
          code === 0 ? resolve(JSON.parse(out) as Sample) : reject(new Error(`exit ${code}`)),
        );
      }),
  );
  return Promise.all(runs);
}

async function main(): Promise<void> {
  const load = (): string =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`two processes on ${os.cpus().length} cores: one alone, then two at once; load ${load()}`);
  spawnSync(process.execPath, ['-e', '0']);
  console.log(
    '| work | alone: wall / CPU / waiting (ms) | two at once: wall / CPU / waiting (ms, mean) | throughput of 2 / 2 × alone |',
  );
  console.log('|---|---|---|---|');
  for (const kind of KINDS) {
    const [one] = await runPair(kind, 1);
    const two = await runPair(kind, 2);
    if (!one) continue;
    const mean = (f: (s: Sample) => number): number => two.reduce((a, s) => a + f(s), 0) / two.length;
    const pairWall = Math.max(...two.map((s) => s.wallMs));
    const ratio = one.wallMs / pairWall;
    console.log(
      `| ${kind} | ${one.wallMs.toFixed(0)} / ${one.cpuMs.toFixed(0)} / ${one.waitMs.toFixed(0)} | ${mean((s) => s.wallMs).toFixed(0)} / ${mean((s) => s.cpuMs).toFixed(0)} / ${mean((s) => s.waitMs).toFixed(0)} | ${ratio.toFixed(2)} |`,
    );
  }
  console.log(`load after ${load()}`);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) child((process.argv[childIndex + 1] ?? 'compute') as Kind);
else void main();
