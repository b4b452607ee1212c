// `snn-lab run` with the real trainer onto a 1 MB tmpfs (root, as in CI; skipped with the reason otherwise): a
// disk that fills up mid-run ends the run as failed (disk-full) with a message naming the directory and the free
// space, exit code 1 and no stack trace; the run is recorded as failed once space returns; a disk that is full
// before the run starts gets a clear message too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { RunMeta } from '../../src/runs/runTypes';
import { mountTmpfs } from '../shared/tmpfs';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'snn-diskfull-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const experiment = join(dir, 'full.snn.json');
writeFileSync(
  experiment,
  JSON.stringify({
    name: 'full',
    seed: 1,
    data: { source: 'synthetic', kind: 'blobs', samples: 512, features: 8, classes: 2 },
    model: { depth: 6, width: 32 },
    train: { epochs: 30, batchSize: 16 },
    stats: { everySteps: 1, bins: 512 },
  }),
);

function cliRun(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('snn-lab run on a full disk', () => {
  it('ends the run as failed (disk-full) with the directory and free space named; recorded once space returns', (t) => {
    const fs = mountTmpfs(1024);
    if ('skip' in fs) return t.skip(fs.skip);
    try {
      const runsDir = join(fs.dir, 'runs');
      // Other files take 64 KB, freed after the run: that is the space that returns. (Without it, whether the next
      // reader could record the failure depended on the few bytes the run happened to leave free, which the timing
      // of its meta.json rewrites changes: the test failed under load.)
      fs.fill(64);
      const r = cliRun('run', experiment, '--runs-dir', runsDir);
      assert.equal(r.status, 1, r.out);
      assert.match(
        r.out,
        new RegExp(`the disk holding ${runsDir}/[^ ]+ is full: .* free; this run needs about`),
      );
      assert.doesNotMatch(r.out, /ENOSPC|at .*\.js:\d+/, 'no raw error or stack trace');
      const [runId] = readdirSync(runsDir);
      const runDir = join(runsDir, runId!);
      assert.deepEqual(
        readdirSync(runDir).filter((f) => f.includes('.tmp-')),
        [],
      );
      JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')); // the last good version parses
      const listed = cliRun('runs', 'list', '--runs-dir', runsDir);
      assert.equal(listed.status, 0, listed.out);
      assert.match(listed.out, new RegExp(`${runId}\\s+failed`));
      fs.release();
      const relisted = cliRun('runs', 'list', '--runs-dir', runsDir);
      assert.equal(relisted.status, 0, relisted.out);
      assert.match(relisted.out, new RegExp(`${runId}\\s+failed`));
      const meta = JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')) as RunMeta;
      assert.equal(meta.status, 'failed');
      assert.equal(meta.failure?.reason, 'disk-full');
    } finally {
      fs.unmount();
    }
  });

  it('a disk that is full before the run starts is reported clearly, with nothing left behind', (t) => {
    const fs = mountTmpfs(256);
    if ('skip' in fs) return t.skip(fs.skip);
    try {
      const runsDir = join(fs.dir, 'runs');
      cliRun('runs', 'list', '--runs-dir', runsDir);
      spawnSync('mkdir', ['-p', runsDir]);
      fs.fill();
      const r = cliRun('run', experiment, '--runs-dir', runsDir);
      assert.equal(r.status, 1, r.out);
      assert.match(
        r.out,
        new RegExp(
          `cannot create the run directory: the disk holding the runs directory ${runsDir} is full \\(\\d+ B free\\)`,
        ),
      );
      assert.match(r.out, /1 run could not start and recorded nothing/);
      assert.deepEqual(readdirSync(runsDir), [], 'the half-made run directory is removed');
    } finally {
      fs.unmount();
    }
  });
});
