/**
 * `snn-lab validate <file...>`: prints every problem of the given experiment files as "file:line:col: error|warning:
 * message" and exits 2 when any file has an error (0 otherwise).
 */
import type { Command } from 'commander';
import { formatProblem, loadExperiment } from '../node/loadExperiment';
import { action, addLimitOptions, limitsFrom, type LimitFlags } from './cliShared';
import { writeOut } from './output';

/** Registers the validate subcommand. */
export function registerValidateCommand(program: Command): void {
  const command = program
    .command('validate')
    .description('check experiment files (*.snn.json, *.snn.yaml) and list their runs')
    .argument('<files...>', 'experiment files')
    .option('--runs', 'also list the expanded run names');
  addLimitOptions(command).action(
    action(async (files: string[], options: { runs?: boolean } & LimitFlags) => {
      const limits = limitsFrom(options);
      let errors = 0;
      for (const path of files) {
        const loaded = await loadExperiment(path, limits);
        for (const problem of loaded.problems) writeOut(`${formatProblem(path, problem)}\n`);
        errors += loaded.problems.filter((p) => p.severity === 'error').length;
        if (loaded.file) {
          const warnings = loaded.problems.length;
          const note = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
          writeOut(`${path}: ok, ${loaded.plans.length} run${loaded.plans.length === 1 ? '' : 's'}${note}\n`);
          if (options.runs) for (const plan of loaded.plans) writeOut(`  ${plan.name}\n`);
        }
      }
      if (errors > 0) process.exitCode = 2;
    }),
  );
}
