/**
 * `snn-lab theory ...`: the SNN theory core on the command line (map, fixed-point, trajectory, selu-params,
 * alpha-dropout), as a readable table or as JSON (--json). Bad arguments exit 2 with a message naming them.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { alphaDropoutParams } from '../core/theory/alphaDropout';
import { DEFAULT_SELU, type SeluParams } from '../core/theory/constants';
import { findFixedPoint, iterateMap } from '../core/theory/fixedPoint';
import { jacobian, meanVarianceMap, singularValues, type MapInput } from '../core/theory/meanVarianceMap';
import { solveSeluParameters } from '../core/theory/seluParams';
import { checkTheorems } from '../core/theory/theorems';
import { writeOut } from './output';

type Flags = Record<string, number | boolean | undefined>;

/** commander argument parser: a finite decimal number. */
function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`must be a finite number`);
  return n;
}

/** Stops with exit code 2 and a one-line message naming the option when a condition on it fails. */
function requireThat(cmd: Command, ok: boolean, option: string, rule: string, value: unknown): void {
  if (!ok) cmd.error(`error: option '--${option}' ${rule}, got ${String(value)}`, { exitCode: 2 });
}

function seluParams(cmd: Command, flags: Flags): SeluParams {
  const alpha = (flags.alpha as number | undefined) ?? DEFAULT_SELU.alpha;
  const lambda = (flags.lambda as number | undefined) ?? DEFAULT_SELU.lambda;
  requireThat(cmd, alpha > 0, 'alpha', 'must be > 0', alpha);
  requireThat(cmd, lambda > 0, 'lambda', 'must be > 0', lambda);
  return alpha === DEFAULT_SELU.alpha && lambda === DEFAULT_SELU.lambda ? DEFAULT_SELU : { alpha, lambda };
}

function positive(cmd: Command, flags: Flags, ...names: string[]): void {
  for (const name of names) {
    const key = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const value = flags[key];
    if (value !== undefined) requireThat(cmd, (value as number) > 0, name, 'must be > 0', value);
  }
}

function mapInput(flags: Flags): MapInput {
  return {
    mu: flags.mu as number,
    nu: flags.nu as number,
    omega: flags.omega as number,
    tau: flags.tau as number,
  };
}

/** Prints `data` as JSON, or as `label  value` lines (nested objects indented) for people. */
function emit(flags: Flags, data: Record<string, unknown>, table: () => string[]): void {
  if (flags.json) writeOut(`${JSON.stringify(data, null, 2)}\n`);
  else writeOut(`${table().join('\n')}\n`);
}

function rows(pairs: [string, unknown][]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${Array.isArray(v) ? JSON.stringify(v) : String(v)}`);
}

const NUM = (name: string, help: string): [string, string, (v: string) => number] => [
  `--${name} <number>`,
  help,
  parseNumber,
];

function addSeluOptions(cmd: Command): Command {
  return cmd
    .option(...NUM('alpha', 'SELU alpha (default alpha01 = 1.6732632423543772)'))
    .option(...NUM('lambda', 'SELU lambda (default lambda01 = 1.0507009873554805)'))
    .option('--json', 'print machine-readable JSON');
}

function mapCommand(theory: Command): void {
  const cmd = theory
    .command('map')
    .description('mean, variance, Jacobian and spectral norm of the mean/variance map g at one point')
    .requiredOption(...NUM('mu', 'input mean'))
    .requiredOption(...NUM('nu', 'input variance (> 0)'))
    .requiredOption(...NUM('omega', 'sum of the weights of a unit'))
    .requiredOption(...NUM('tau', 'sum of the squared weights of a unit (> 0)'));
  addSeluOptions(cmd).action((flags: Flags) => {
    positive(cmd, flags, 'nu', 'tau');
    const p = seluParams(cmd, flags);
    const input = mapInput(flags);
    const g = meanVarianceMap(input, p);
    const H = jacobian(input, p);
    const [sMax, sMin] = singularValues(H);
    const theorems = checkTheorems(input, p);
    const inBox = (Object.keys(theorems) as (keyof typeof theorems)[]).filter((k) => theorems[k].holds);
    const data = {
      input,
      params: p,
      ...g,
      jacobian: H,
      singularValues: [sMax, sMin],
      spectralNorm: sMax,
      theorems,
    };
    emit(flags, data, () =>
      rows([
        ['mean', g.mean],
        ['variance', g.variance],
        ['second moment', g.secondMoment],
        ['jacobian row mean', H[0]],
        ['jacobian row variance', H[1]],
        ['spectral norm', sMax],
        ['smaller singular value', sMin],
        ['theorem boxes holding', inBox.length > 0 ? inBox.join(', ') : 'none'],
        ...(Object.keys(theorems) as (keyof typeof theorems)[]).map((k): [string, unknown] => [
          k,
          theorems[k].holds ? 'holds' : `not applicable: ${theorems[k].failed.join('; ')}`,
        ]),
      ]),
    );
  });
}

function fixedPointCommand(theory: Command): void {
  const cmd = theory
    .command('fixed-point')
    .description('iterate g from a start point to its fixed point for given weight statistics (omega, tau)')
    .requiredOption(...NUM('omega', 'sum of the weights of a unit'))
    .requiredOption(...NUM('tau', 'sum of the squared weights of a unit (> 0)'))
    .option(...NUM('mean', 'start mean (default 0)'))
    .option(...NUM('variance', 'start variance (default 1, > 0)'))
    .option(...NUM('tolerance', 'relative step at which to stop (default 1e-14)'))
    .option(...NUM('max-iterations', 'iteration limit (default 10000)'));
  addSeluOptions(cmd).action((flags: Flags) => {
    positive(cmd, flags, 'tau', 'variance', 'max-iterations');
    const maxIterations = flags.maxIterations as number | undefined;
    if (maxIterations !== undefined) {
      requireThat(
        cmd,
        Number.isInteger(maxIterations),
        'max-iterations',
        'must be an integer',
        maxIterations,
      );
    }
    const tolerance = flags.tolerance as number | undefined;
    if (tolerance !== undefined) requireThat(cmd, tolerance >= 0, 'tolerance', 'must be >= 0', tolerance);
    const p = seluParams(cmd, flags);
    const omega = flags.omega as number;
    const tau = flags.tau as number;
    const start = {
      mean: (flags.mean as number | undefined) ?? 0,
      variance: (flags.variance as number | undefined) ?? 1,
    };
    const r = findFixedPoint({ omega, tau, start, tolerance, maxIterations }, p);
    const norm =
      r.variance > 0 ? singularValues(jacobian({ mu: r.mean, nu: r.variance, omega, tau }, p))[0] : null;
    const data = { omega, tau, start, params: p, ...r, spectralNorm: norm };
    // Not converging is a result, not a usage error: print it, and exit 1 so scripts can tell.
    if (!r.converged) process.exitCode = 1;
    emit(flags, data, () =>
      rows([
        ['mean', r.mean],
        ['variance', r.variance],
        ['iterations', r.iterations],
        ['converged', r.converged],
        ...(r.reason === undefined ? [] : ([['reason', r.reason]] as [string, unknown][])),
        ['spectral norm at point', norm ?? 'n/a'],
      ]),
    );
  });
}

function trajectoryCommand(theory: Command): void {
  const cmd = theory
    .command('trajectory')
    .description('apply g repeatedly from (mu, nu) and print every (mean, variance)')
    .requiredOption(...NUM('mu', 'start mean'))
    .requiredOption(...NUM('nu', 'start variance (> 0)'))
    .requiredOption(...NUM('omega', 'sum of the weights of a unit'))
    .requiredOption(...NUM('tau', 'sum of the squared weights of a unit (> 0)'))
    .requiredOption(...NUM('steps', 'number of applications of g (integer >= 0)'));
  addSeluOptions(cmd).action((flags: Flags) => {
    positive(cmd, flags, 'nu', 'tau');
    const steps = flags.steps as number;
    requireThat(cmd, Number.isInteger(steps) && steps >= 0, 'steps', 'must be an integer >= 0', steps);
    const p = seluParams(cmd, flags);
    const states = iterateMap(mapInput(flags), steps, p).map((s, step) => ({ step, ...s }));
    const note =
      states.length <= steps ? `stopped after ${states.length - 1} steps: the variance died out` : null;
    emit(flags, { omega: flags.omega, tau: flags.tau, params: p, states, ...(note ? { note } : {}) }, () => [
      'step  mean                    variance',
      ...states.map((s) => `${String(s.step).padStart(4)}  ${String(s.mean).padEnd(22)}  ${s.variance}`),
      ...(note ? [note] : []),
    ]);
  });
}

function seluParamsCommand(theory: Command): void {
  const cmd = theory
    .command('selu-params')
    .description(
      'solve SELU alpha, lambda so that (mean, variance) is the fixed point for N(mean, variance) input',
    )
    .requiredOption(...NUM('mean', 'target fixed-point mean'))
    .requiredOption(...NUM('variance', 'target fixed-point variance (> 0)'))
    .option('--json', 'print machine-readable JSON');
  cmd.action((flags: Flags) => {
    positive(cmd, flags, 'variance');
    const r = solveSeluParameters(flags.mean as number, flags.variance as number);
    const data = { mean: flags.mean, variance: flags.variance, ...r };
    emit(flags, data, () =>
      rows([
        ['alpha', r.alpha],
        ['lambda', r.lambda],
        ["alpha' = -lambda*alpha", r.alphaPrime],
        ['newton iterations', r.iterations],
      ]),
    );
  });
}

function alphaDropoutCommand(theory: Command): void {
  const cmd = theory
    .command('alpha-dropout')
    .description('alpha-dropout affine correction a, b and the value of a dropped unit')
    .requiredOption(...NUM('rate', 'drop probability in [0, 1)'))
    .option(...NUM('mean', 'fixed-point mean (default 0)'))
    .option(...NUM('variance', 'fixed-point variance (default 1, > 0)'));
  addSeluOptions(cmd).action((flags: Flags) => {
    const rate = flags.rate as number;
    requireThat(cmd, rate >= 0 && rate < 1, 'rate', 'must be in [0, 1)', rate);
    positive(cmd, flags, 'variance');
    const p = seluParams(cmd, flags);
    const fixedPoint = {
      mean: (flags.mean as number | undefined) ?? 0,
      variance: (flags.variance as number | undefined) ?? 1,
    };
    const r = alphaDropoutParams(rate, fixedPoint, p);
    emit(flags, { rate, fixedPoint, params: p, ...r }, () =>
      rows([
        ['a', r.a],
        ['b', r.b],
        ["alpha'", r.alphaPrime],
        ['dropped-unit value', r.droppedValue],
      ]),
    );
  });
}

/** Registers `snn-lab theory map|fixed-point|trajectory|selu-params|alpha-dropout`. */
export function registerTheoryCommands(program: Command): void {
  const theory = program
    .command('theory')
    .description('SNN theory: the mean/variance map, fixed points, SELU and alpha-dropout parameters');
  mapCommand(theory);
  fixedPointCommand(theory);
  trajectoryCommand(theory);
  seluParamsCommand(theory);
  alphaDropoutCommand(theory);
}
