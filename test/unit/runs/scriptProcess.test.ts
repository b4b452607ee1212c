// ScriptProcess (Run with SNN Lab): the environment it gives a script, its output line by line, and Stop as
// SIGINT -> SIGTERM -> SIGKILL with grace periods, against real python3 processes (stdlib only).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ScriptProcess, scriptEnvironment } from '../../../src/runs/scriptProcess';

const dir = mkdtempSync(join(tmpdir(), 'snn-script-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, code: string): string {
  const file = join(dir, name);
  writeFileSync(file, code);
  return file;
}

function start(file: string, graceMs = 300): { process: ScriptProcess; lines: string[] } {
  const lines: string[] = [];
  const env = scriptEnvironment({ packageDir: '/opt/snn/python', runsDir: join(dir, 'runs'), base: {} });
  const process = new ScriptProcess({
    python: 'python3',
    script: file,
    cwd: dir,
    env,
    onLine: (l) => lines.push(l),
    graceMs,
  });
  return { process, lines };
}

/** Waits until the script printed `line` (it has installed its signal handlers by then). */
async function waitFor(lines: string[], line: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!lines.includes(line)) {
    if (Date.now() > deadline) throw new Error(`no "${line}" in ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ScriptProcess', () => {
  it('puts the package first on PYTHONPATH and sets the runs directory', () => {
    const env = scriptEnvironment({ packageDir: '/pkg', runsDir: '/runs', base: { PYTHONPATH: '/mine' } });
    assert.deepEqual(env, {
      PYTHONPATH: `/pkg${delimiter}/mine`,
      SNN_LAB_RUNS_DIR: '/runs',
      PYTHONUNBUFFERED: '1',
    });
    assert.equal(scriptEnvironment({ packageDir: '/pkg', runsDir: '/r', base: {} }).PYTHONPATH, '/pkg');
  });

  it('runs the script with that environment and forwards stdout and stderr lines', async () => {
    const file = script(
      'env.py',
      'import os, sys\nprint(os.environ["PYTHONPATH"])\nprint(os.environ["SNN_LAB_RUNS_DIR"])\nprint("oops", file=sys.stderr)\nsys.exit(3)\n',
    );
    const { process, lines } = start(file);
    const exit = await process.exited;
    assert.equal(exit.code, 3);
    assert.deepEqual(lines.slice().sort(), ['/opt/snn/python', join(dir, 'runs'), '[stderr] oops'].sort());
  });

  it('Stop sends SIGINT first: a script that handles it ends by itself', async () => {
    const file = script(
      'sigint.py',
      'import time\ntry:\n    print("ready", flush=True)\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    print("interrupted", flush=True)\n',
    );
    const { process, lines } = start(file, 5000);
    await waitFor(lines, 'ready');
    const exit = await process.stop();
    assert.equal(exit.code, 0);
    assert.ok(lines.includes('interrupted'));
  });

  it('then SIGTERM after the grace period, then SIGKILL', async () => {
    const ignoresInt = script(
      'ignore-int.py',
      'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("ready", flush=True)\ntime.sleep(60)\n',
    );
    const first = start(ignoresInt);
    await waitFor(first.lines, 'ready');
    assert.equal((await first.process.stop()).signal, 'SIGTERM');
    const ignoresBoth = script(
      'ignore-all.py',
      'import signal, time\nfor s in (signal.SIGINT, signal.SIGTERM):\n    signal.signal(s, signal.SIG_IGN)\nprint("ready", flush=True)\ntime.sleep(60)\n',
    );
    const second = start(ignoresBoth);
    await waitFor(second.lines, 'ready');
    assert.equal((await second.process.stop()).signal, 'SIGKILL');
    assert.equal(second.process.running, false);
  });

  it('reports an interpreter that cannot start instead of throwing', async () => {
    const lines: string[] = [];
    const process = new ScriptProcess({
      python: join(dir, 'no-such-python'),
      script: 'x.py',
      cwd: dir,
      env: {},
      onLine: (l) => lines.push(l),
    });
    const exit = await process.exited;
    assert.match(exit.error ?? '', /ENOENT/);
  });
});
