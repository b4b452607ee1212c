// @ts-check
// A throw-away single-node Slurm cluster (munged + slurmctld + slurmd started by hand, no systemd), following
// docs/slurm-local.md. Used by scripts/run-slurm-tests.mjs; also runnable: up | down | status.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PACKAGES = ['slurmctld', 'slurmd', 'slurm-client', 'munge'];
const BINARIES = {
  slurmctld: 'slurmctld',
  slurmd: 'slurmd',
  sbatch: 'slurm-client',
  squeue: 'slurm-client',
  munged: 'munge',
};
/** Where progress lines go. @typedef {(message: string) => void} Log */
/**
 * Process ids of a cluster's daemons (absent until started).
 * @typedef {{ munged?: number, slurmctld?: number, slurmd?: number }} Pids
 */
/** A running cluster (see up). @typedef {Awaited<ReturnType<typeof up>>} Cluster */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Absolute path of `bin` on PATH (or in /usr/sbin, /sbin), if any. @param {string} bin */
function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (dir && existsSync(join(dir, bin))) return join(dir, bin);
  }
  return undefined;
}

/**
 * Path of a daemon binary: up() calls ensurePackages() first, which makes sure every one of BINARIES is there.
 * @param {'slurmctld' | 'slurmd' | 'munged'} bin
 */
function installed(bin) {
  return /** @type {string} */ (which(bin));
}

/**
 * Runs a command (15 s at most) and returns its result; never throws.
 * @param {string} cmd
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function quiet(cmd, args, env) {
  return spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, timeout: 15_000 });
}

/**
 * Installs the Debian packages when a binary is missing; throws a message naming what is missing otherwise.
 * @param {Log} [log]
 */
export function ensurePackages(log = console.log) {
  const missing = Object.keys(BINARIES).filter((bin) => !which(bin));
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  if (!root || !which('apt-get')) {
    throw new Error(
      `Slurm is not installed (missing: ${missing.join(', ')}) and this process cannot install it ` +
        `(${root ? 'no apt-get' : 'not root'}). Install as root: apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`,
    );
  }
  log(`installing ${PACKAGES.join(' ')} (missing: ${missing.join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], {
    stdio: 'inherit',
    env,
  });
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once `check()` is true (checked every 200 ms); throws after `timeoutMs`, naming `what`.
 * @param {() => boolean} check
 * @param {number} timeoutMs
 * @param {string} what
 */
async function waitFor(check, timeoutMs, what) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (check()) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/**
 * The private munged socket of a cluster directory (one munged per cluster: concurrent clusters never share it).
 * @param {string} dir
 */
const mungeSocket = (dir) => join(dir, 'munge', 'munge.socket');

/** True when munge can encode and decode a credential through `socket`. @param {string} socket */
const mungeWorks = (socket) =>
  spawnSync('sh', ['-c', `munge -n -S '${socket}' | unmunge -S '${socket}'`], {
    stdio: 'ignore',
    timeout: 5000,
  }).status === 0;

/**
 * Starts a private munged as user munge on `<dir>/munge/munge.socket` (Slurm finds it through AuthInfo), so
 * this cluster never depends on, nor stops, a munged someone else runs. Returns its pid.
 * @param {string} dir the cluster directory
 */
async function startMunge(dir) {
  if (!existsSync('/etc/munge/munge.key')) execFileSync('mungekey', ['--create'], { stdio: 'inherit' });
  const home = join(dir, 'munge');
  mkdirSync(home, { recursive: true });
  execFileSync('chown', ['munge:munge', home]);
  // munged requires execute permission for all on every directory above its socket.
  for (const path of [dir, home]) execFileSync('chmod', ['0755', path]);
  const out = openSync(join(dir, 'log', 'munged.log'), 'a');
  const args = ['--reuid=munge', '--regid=munge', '--init-groups', installed('munged'), '-F'];
  args.push(
    `--socket=${mungeSocket(dir)}`,
    `--pid-file=${home}/munged.pid`,
    `--seed-file=${home}/munged.seed`,
  );
  args.push(`--log-file=${home}/munged.log`);
  const child = spawn('setpriv', args, { stdio: ['ignore', out, out], detached: true });
  child.unref();
  await waitFor(() => mungeWorks(mungeSocket(dir)), 10_000, `munged on ${mungeSocket(dir)}`);
  return child.pid;
}

/**
 * slurm.conf as in docs/slurm-local.md; `nodeLine` is the first line of `slurmd -C`.
 * @param {string} dir the cluster directory
 * @param {string} host short host name
 * @param {string} nodeLine
 * @param {number} ctldPort
 * @param {number} slurmdPort
 * @param {number | undefined} cpus CPUs the node offers (default: all of the machine's)
 */
function slurmConf(dir, host, nodeLine, ctldPort, slurmdPort, cpus) {
  const node = cpus ? `${nodeLine.replace(/ CPUs=\d+.*?(?= RealMemory=)/, ` CPUs=${cpus}`)}` : nodeLine;
  return [
    'ClusterName=snnci',
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${mungeSocket(dir)}`,
    'MpiDefault=none',
    'MailProg=/bin/true',
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/filetxt',
    `JobCompLoc=${dir}/log/jobcomp.txt`,
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'SchedulerType=sched/backfill',
    '# default batch_sched_delay=3 starts batch jobs in 3 s rounds (docs/slurm-local.md, gotcha 1)',
    'SchedulerParameters=batch_sched_delay=0',
    'ReturnToService=2',
    'MinJobAge=3600',
    'KillWait=5',
    ...(cpus ? ['SlurmdParameters=config_overrides'] : []),
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/run/slurmctld.pidfile`,
    `SlurmdPidFile=${dir}/run/slurmd.pidfile`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd.log`,
    `${node} NodeAddr=127.0.0.1 State=UNKNOWN`,
    `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n');
}

/**
 * Starts a daemon detached, its output appended to `<dir>/log/<name>.out`; returns its pid.
 * @param {string} dir
 * @param {'slurmctld' | 'slurmd'} name
 * @param {string[]} args
 */
function spawnDaemon(dir, name, args) {
  const out = openSync(join(dir, 'log', `${name}.out`), 'a');
  const child = spawn(installed(name), args, { stdio: ['ignore', out, out], detached: true });
  child.unref();
  return child.pid;
}

const STATE_FILE = 'cluster.json';

/** The last `lines` lines of a file, for error messages. @param {string} path */
function tail(path, lines = 20) {
  if (!existsSync(path)) return `(${path} missing)`;
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * Brings the cluster up in `dir` (default: a fresh temp dir). Resolves to { dir, conf, env, pids } once the node is
 * idle. Refuses to start when the cluster recorded in `dir` still has a live slurmctld.
 * @param {{ dir?: string, cpus?: number, idleTimeoutMs?: number, log?: Log }} [options] `cpus`: CPUs the node
 *   offers (default: all of the machine's)
 */
export async function up({
  dir = join(tmpdir(), `snn-slurm-${process.pid}`),
  cpus,
  idleTimeoutMs = 60_000,
  log = console.log,
} = {}) {
  ensurePackages(log);
  if (process.getuid?.() !== 0) {
    throw new Error('starting munged/slurmctld/slurmd needs root (run with sudo)');
  }
  const statePath = join(dir, STATE_FILE);
  if (existsSync(statePath)) {
    /** @type {{ pids?: Pids }} the state file written below */
    const old = JSON.parse(readFileSync(statePath, 'utf8'));
    if (old.pids?.slurmctld && alive(old.pids.slurmctld)) {
      throw new Error(
        `a cluster is still running from ${dir} (slurmctld pid ${old.pids.slurmctld}); stop it first: node scripts/slurm/cluster.mjs down ${dir}`,
      );
    }
  }
  for (const sub of ['state', 'spool']) rmSync(join(dir, sub), { recursive: true, force: true });
  for (const sub of ['etc', 'state', 'spool', 'run', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  /** @type {Pids} */
  const pids = {};
  const state = { dir, conf: join(dir, 'etc', 'slurm.conf'), pids };
  const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
  const env = { ...process.env, SLURM_CONF: state.conf };
  try {
    pids.munged = await startMunge(dir);
    save();
    const host = execFileSync('hostname', ['-s'], { encoding: 'utf8' }).trim();
    const nodeLine = execFileSync(installed('slurmd'), ['-C'], { encoding: 'utf8' }).split('\n')[0] ?? '';
    if (!nodeLine.startsWith('NodeName=')) throw new Error(`unexpected 'slurmd -C' output: ${nodeLine}`);
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    writeFileSync(state.conf, slurmConf(dir, host, nodeLine, ctldPort, slurmdPort, cpus));
    pids.slurmctld = spawnDaemon(dir, 'slurmctld', ['-D', '-f', state.conf]);
    pids.slurmd = spawnDaemon(dir, 'slurmd', ['-D', '-f', state.conf]);
    save();
    await waitFor(
      () => quiet('sinfo', ['-h', '-N', '-o', '%T'], env).stdout?.split('\n')[0]?.trim() === 'idle',
      idleTimeoutMs,
      'the node to become idle',
    ).catch((error) => {
      const reasons = quiet('sinfo', ['-R'], env).stdout;
      throw new Error(
        `${error.message}\nsinfo -R:\n${reasons}\nslurmctld.log:\n${tail(join(dir, 'log', 'slurmctld.log'))}\nslurmd.log:\n${tail(join(dir, 'log', 'slurmd.log'))}`,
      );
    });
  } catch (error) {
    // Stop whatever was started (by recorded pid) before reporting the failure.
    await down({ dir, log }).catch(() => undefined);
    throw error;
  }
  log(
    `slurm cluster up in ${dir} (slurmctld ${pids.slurmctld}, slurmd ${pids.slurmd}, munged ${pids.munged})`,
  );
  return { ...state, env };
}

/**
 * SIGTERM to each live pid, SIGKILL to those still alive after `timeoutMs`.
 * @param {(number | undefined)[]} pids
 * @param {number} timeoutMs
 */
async function stopPids(pids, timeoutMs) {
  const live = pids.flatMap((pid) => (pid && alive(pid) ? [pid] : []));
  for (const pid of live) process.kill(pid, 'SIGTERM');
  const start = Date.now();
  while (live.some(alive) && Date.now() - start < timeoutMs) await sleep(200);
  for (const pid of live.filter(alive)) process.kill(pid, 'SIGKILL');
}

/**
 * Cancels every job, stops slurmd + slurmctld, then the cluster's munged, by their recorded pids.
 * Resolves to the pids still alive afterwards (none when all went well).
 * @param {{ dir: string, log?: Log }} options
 */
export async function down({ dir, log = console.log }) {
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) throw new Error(`no cluster recorded in ${dir}`);
  /** @type {{ conf: string, pids: Pids }} the state file written by up() */
  const { conf, pids } = JSON.parse(readFileSync(statePath, 'utf8'));
  const env = { ...process.env, SLURM_CONF: conf };
  if (pids.slurmctld && alive(pids.slurmctld) && quiet('scontrol', ['ping'], env).status === 0) {
    const jobs = [
      ...new Set((quiet('squeue', ['-h', '-o', '%A'], env).stdout ?? '').split(/\s+/).filter(Boolean)),
    ];
    if (jobs.length > 0) quiet('scancel', jobs, env);
    const start = Date.now();
    while (
      Date.now() - start < 10_000 &&
      (quiet('squeue', ['-h', '-t', 'running,completing,pending'], env).stdout ?? '').trim() !== ''
    ) {
      await sleep(300);
    }
  }
  await stopPids([pids.slurmd, pids.slurmctld], 15_000);
  if (pids.munged) await stopPids([pids.munged], 5_000);
  const left = [pids.slurmd, pids.slurmctld, pids.munged].flatMap((pid) => (pid && alive(pid) ? [pid] : []));
  writeFileSync(
    statePath,
    JSON.stringify({ dir, conf, pids: {}, stopped: new Date().toISOString() }, null, 2),
  );
  log(`slurm cluster in ${dir} stopped${left.length ? ` (still alive: ${left.join(', ')})` : ''}`);
  return left;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, dirArg] = process.argv.slice(2);
  const dir = dirArg ?? join(tmpdir(), 'snn-slurm-manual');
  try {
    if (command === 'up') {
      const cluster = await up({
        dir,
        cpus: process.env.SNN_SLURM_CPUS ? Number(process.env.SNN_SLURM_CPUS) : undefined,
      });
      console.log(`export SLURM_CONF=${cluster.conf}`);
    } else if (command === 'down') {
      process.exitCode = (await down({ dir })).length > 0 ? 1 : 0;
    } else if (command === 'status') {
      console.log(readFileSync(join(dir, STATE_FILE), 'utf8'));
      const env = { ...process.env, SLURM_CONF: join(dir, 'etc', 'slurm.conf') };
      console.log(quiet('sinfo', [], env).stdout, quiet('squeue', ['-a', '-t', 'all'], env).stdout);
    } else {
      console.error('usage: node scripts/slurm/cluster.mjs up|down|status [dir]');
      process.exitCode = 2;
    }
  } catch (error) {
    console.error(`cluster.mjs: ${/** @type {Error} */ (error).message}`);
    process.exitCode = 1;
  }
}
