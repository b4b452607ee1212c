/**
 * The Python interpreter for tests that drive the snn_lab package: $SNN_LAB_PYTHON (scripts/test.mjs sets it to the
 * interpreter its python tier found), else the first of python3 and /usr/bin/python3 that imports torch (Debian's
 * python3-torch). Runs snippets with python/ on PYTHONPATH.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './runStoreSchemas';

const CANDIDATES = ['python3', '/usr/bin/python3'];
let found: string | undefined;

export function pythonWithTorch(): string {
  if (found) return found;
  const fromEnv = process.env.SNN_LAB_PYTHON;
  const candidates = fromEnv ? [fromEnv] : CANDIDATES;
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status === 0) return (found = candidate);
  }
  throw new Error(
    `no Python with torch among ${candidates.join(', ')}: apt-get install -y python3-torch python3-numpy`,
  );
}

export interface PythonResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `code` with snn_lab importable; `env` is added to the process environment. */
export function runPython(
  code: string,
  options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): PythonResult {
  const result = spawnSync(pythonWithTorch(), ['-c', code], {
    encoding: 'utf8',
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, PYTHONPATH: join(repoRoot(), 'python'), OMP_NUM_THREADS: '1', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `code`, which must print one JSON document on its last stdout line, and parses it. */
export function pythonJson<T>(code: string, options: Parameters<typeof runPython>[1] = {}): T {
  const result = runPython(code, options);
  if (result.status !== 0) {
    throw new Error(`python exited ${String(result.status)}:\n${result.stderr.slice(-4000)}`);
  }
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? 'null') as T;
}
