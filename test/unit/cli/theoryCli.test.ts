// Spawns the built CLI (dist/cli.js, from `node esbuild.mjs`) and checks `snn-lab theory ...` JSON output values
// and exit code 2 with a message naming the argument for bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

// Bundled to out/test/unit/cli/, so the repository root is four levels up.
const CLI = resolve(__dirname, '../../../../dist/cli.js');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(CLI), `${CLI} is missing: build it with "node esbuild.mjs"`);
  const r = spawnSync(process.execPath, [CLI, 'theory', ...args], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(...args: string[]): Record<string, unknown> {
  const r = run(...args, '--json');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** |a - b| <= tol * max(1, |b|). */
function close(actual: unknown, expected: number, tol: number, what: string): void {
  assert.equal(typeof actual, 'number', what);
  const err = Math.abs((actual as number) - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: ${String(actual)} vs ${expected}`);
}

test('theory map --json: mean, variance, Jacobian and spectral norm at (0, 1) and a §2.7 row', () => {
  const out = json('map', '--mu', '0', '--nu', '1', '--omega', '0', '--tau', '1');
  // 1e-12: spec §2.3 values; JSON carries full float64 precision.
  close(out.mean, 0, 1e-14, 'mean');
  close(out.variance, 1, 1e-14, 'variance');
  const H = out.jacobian as number[][];
  close(H[0]?.[1], 0.08883475510689012, 1e-12, 'H12');
  close(H[1]?.[1], 0.7826478831968128, 1e-12, 'H22');
  close(out.spectralNorm, 0.7876733604657156, 1e-12, 'spectral norm');
  const theorems = out.theorems as Record<string, { holds: boolean }>;
  assert.equal(theorems.theorem1?.holds, true);
  // Negative values as separate arguments; §2.7 row (-1, -0.1, 16, 0.8), 1e-12 relative.
  const row = json('map', '--mu', '-1', '--omega', '-0.1', '--nu', '16', '--tau', '0.8');
  close(row.mean, 0.875388019660377, 1e-12, 'mean row');
  close(row.variance, 7.65913458209901, 1e-12, 'variance row');
});

test('theory map accepts custom --alpha/--lambda and prints a readable table without --json', () => {
  const custom = json(
    'map',
    '--mu',
    '0',
    '--nu',
    '2',
    '--omega',
    '0',
    '--tau',
    '1',
    '--alpha',
    '1.9712557503462689',
    '--lambda',
    '1.0607090761030122',
  );
  // (0, 2) is the fixed point of these parameters (spec §1.3): 1e-10 covers the 17-digit parameters.
  close(custom.variance, 2, 1e-10, 'custom variance');
  const r = run('map', '--mu', '0', '--nu', '1', '--omega', '0', '--tau', '1');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^spectral norm\s+0\.78767336046571/m);
  assert.match(r.stdout, /^theorem boxes holding\s+theorem1$/m);
});

test('theory map: alpha01, lambda01 typed to 12 digits count as the standard parameters; reasons are readable', () => {
  const typed = ['--alpha', '1.67326324235', '--lambda', '1.05070098735'];
  const r = run('map', '--mu', '0', '--nu', '1', '--omega', '0', '--tau', '1', ...typed);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^theorem boxes holding\s+theorem1$/m);
  assert.match(r.stdout, /^theorem1\s+holds$/m);
  assert.match(r.stdout, /^theorem2\s+not applicable: nu = 1 outside \[3, 16\]$/m);
  const off = run('map', '--mu', '0.42675155372457313', '--nu', '4.26', '--omega', '0', '--tau', '1.5');
  assert.match(off.stdout, /^theorem1\s+not applicable: mu = 0\.4268 outside \[-0\.1, 0\.1\]; nu = 4\.26 /m);
  const other = run('map', '--mu', '0', '--nu', '1', '--omega', '0', '--tau', '1', '--alpha', '1.673');
  assert.match(other.stdout, /^theorem boxes holding\s+none$/m);
  assert.match(other.stdout, /alpha = 1\.673, lambda = 1\.051: the theorem assumes alpha01/);
});

test('theory fixed-point --json reports the point and the iterations used', () => {
  const out = json('fixed-point', '--omega', '0', '--tau', '1.1');
  // §2.7 tau table, 8 decimals.
  close(out.mean, 0.0485178, 5.000001e-9, 'mean');
  close(out.variance, 1.39930809, 5.000001e-9, 'variance');
  assert.equal(out.converged, true);
  assert.ok((out.iterations as number) > 10 && (out.iterations as number) < 1000);
  const dying = run('fixed-point', '--omega', '0', '--tau', '0.3333333333333333', '--json');
  assert.equal(dying.status, 1, 'no fixed point: exit 1');
  assert.equal((JSON.parse(dying.stdout) as { converged: boolean }).converged, false);
});

test('theory trajectory --json returns steps + 1 states', () => {
  const out = json('trajectory', '--mu', '0', '--nu', '3', '--omega', '0', '--tau', '1', '--steps', '3');
  const states = out.states as { step: number; mean: number; variance: number }[];
  assert.equal(states.length, 4);
  assert.deepEqual(states[0], { step: 0, mean: 0, variance: 3 });
  // §2.7 sequence from (0, 3), 6 decimals.
  close(states[3]?.mean, 0.084522, 5.000001e-7, 'mean step 3');
  close(states[3]?.variance, 1.67603, 5.000001e-7, 'variance step 3');
  const dying = json(
    'trajectory',
    '--mu',
    '0',
    '--nu',
    '1',
    '--omega',
    '0',
    '--tau',
    '0.3333333333333333',
    '--steps',
    '500',
  );
  assert.ok((dying.states as unknown[]).length < 501);
  assert.match(String(dying.note), /variance died out/);
});

test('theory selu-params and alpha-dropout --json', () => {
  const p = json('selu-params', '--mean', '-0.1', '--variance', '2');
  // Spec §1.3, 1e-10.
  close(p.alpha, 1.9769021954242003, 1e-10, 'alpha');
  close(p.lambda, 1.0738512396160458, 1e-10, 'lambda');
  close(p.alphaPrime, -2.12289887316, 1e-11, "alpha'");
  const d = json('alpha-dropout', '--rate', '0.05');
  // Spec §4.2, 1e-14.
  close(d.a, 0.9548444760050309, 1e-14, 'a');
  close(d.b, 0.08393557219381019, 1e-14, 'b');
  close(d.droppedValue, -1.59477587168, 1e-11, 'dropped value');
  const g = json('alpha-dropout', '--rate', '0.1', '--mean', '-0.1', '--variance', '2');
  assert.deepEqual(g.fixedPoint, { mean: -0.1, variance: 2 });
  assert.notEqual(g.a, 0.9212845161497115);
});

test('bad arguments exit 2 with a one-line message naming the argument', () => {
  const cases: [string[], RegExp][] = [
    [['map', '--mu', '0', '--nu', '1', '--omega', '0'], /--tau/],
    [['map', '--mu', 'abc', '--nu', '1', '--omega', '0', '--tau', '1'], /--mu .*'abc' is invalid/],
    [['map', '--mu', '0', '--nu', '0', '--omega', '0', '--tau', '1'], /--nu' must be > 0/],
    [['alpha-dropout', '--rate', '1'], /--rate' must be in \[0, 1\)/],
    [['alpha-dropout', '--rate', '-0.1'], /--rate' must be in \[0, 1\)/],
    [['alpha-dropout', '--rate', '0.1', '--variance', '0'], /--variance' must be > 0/],
    [['selu-params', '--mean', '0', '--variance', '-2'], /--variance' must be > 0/],
    [['selu-params', '--variance', '1'], /--mean/],
    [
      ['trajectory', '--mu', '0', '--nu', '1', '--omega', '0', '--tau', '1', '--steps', '1.5'],
      /--steps' must be an integer/,
    ],
    [['fixed-point', '--omega', 'x', '--tau', '1'], /--omega .*'x' is invalid/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}, stderr ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});
