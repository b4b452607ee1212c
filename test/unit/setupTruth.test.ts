// The set-up the README promises is the one CI and the dev container build: one Debian package list used by
// .ci/run and .devcontainer/Dockerfile, holding every package the test tiers ask for; one Node range, stated in
// package.json `engines`, the README and the container's base image.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoPath } from './config/fixtures';

const read = (...parts: string[]): string => readFileSync(repoPath(...parts), 'utf8');

/** Every file under `dir`, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

test('one Debian package list: .ci/run and the dev container install it with the same script', () => {
  const listed = spawnSync('bash', [repoPath('.ci', 'install-debian-packages.sh'), '--list'], {
    encoding: 'utf8',
  });
  assert.equal(listed.status, 0, listed.stderr);
  const packages = listed.stdout.trim().split('\n');
  assert.match(read('.ci', 'run'), /^\s*\.ci\/install-debian-packages\.sh\s*$/m, '.ci/run installs the list');
  const dockerfile = read('.devcontainer', 'Dockerfile');
  assert.match(dockerfile, /^COPY \.ci\/debian-packages\.txt \.ci\/install-debian-packages\.sh /m);
  assert.match(dockerfile, /^RUN \/tmp\/snn-lab-ci\/install-debian-packages\.sh/m);
  assert.doesNotMatch(read('.ci', 'run'), /apt-get install/, 'no second list in .ci/run');
  // Every package a tier's own error message or installer names (`apt-get install -y <packages>` anywhere in the
  // scripts and tests, and the Slurm tier's PACKAGES) is on the list.
  const sources = [...walk(repoPath('scripts')), ...walk(repoPath('test'))].filter(
    (f) => /\.(mjs|ts)$/.test(f) && !f.endsWith('setupTruth.test.ts'),
  );
  const named = sources.flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/apt-get install -y ((?:[a-z0-9][\w.+-]* ?)+)/g)].flatMap((m) =>
      (m[1] ?? '').trim().split(' '),
    ),
  );
  const slurm = /PACKAGES = \[([^\]]+)\]/.exec(read('scripts', 'slurm', 'cluster.mjs'))?.[1] ?? '';
  named.push(...[...slurm.matchAll(/'([^']+)'/g)].map((m) => m[1] ?? ''));
  for (const pkg of [
    'chromium',
    'ripgrep',
    'libkrb5-dev',
    'slurmd',
    'python3-torch',
    'dataset-fashion-mnist',
  ]) {
    assert.ok(named.includes(pkg), `the scan finds ${pkg} named by a tier`);
  }
  for (const pkg of named) assert.ok(packages.includes(pkg), `${pkg} is on .ci/debian-packages.txt`);
});

test('one Node range: engines.node, the README prerequisites and the dev container agree', () => {
  const manifest = JSON.parse(read('package.json')) as { engines: { node: string } };
  const range = manifest.engines.node;
  assert.match(range, /^\^20\.\d+\.\d+$/, 'Node 20 (code-server 4.100.3, the e2e tier’s VS Code, needs 20)');
  assert.ok(read('README.md').includes(`Node.js ${range}`), `the README states Node.js ${range}`);
  assert.match(read('.devcontainer', 'Dockerfile'), /^FROM node:20-bookworm$/m);
  const [major, minor] = process.versions.node.split('.').map(Number);
  const [wantMajor, wantMinor] = range.slice(1).split('.').map(Number);
  assert.ok(
    major === wantMajor && (minor ?? 0) >= (wantMinor ?? 0),
    `this Node ${process.version} is in ${range}`,
  );
});
