/**
 * `snn-lab` command-line entry: wires subcommands, each defined in its own module. Exit codes:
 * 0 ok, 1 a run failed, 2 invalid input (bad arguments, invalid experiment file), 141 the reader of the output
 * went away (output.ts).
 */
import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { registerExportCommand } from './exportCommand';
import { registerRunCommands } from './runCommands';
import { registerSlurmCommands } from './slurmCommands';
import { registerStudyCommand } from './studyCommand';
import { registerTheoryCommands } from './theoryCommand';
import { registerValidateCommand } from './validateCommand';
import { exitQuietlyOnBrokenPipe, writeErr, writeOut } from './output';

exitQuietlyOnBrokenPipe();

const program = new Command('snn-lab')
  .description('Self-Normalizing Neural Network lab: theory, validation, training, probing')
  .version(version, '-V, --version', 'print the SNN Lab version')
  .exitOverride()
  .configureOutput({ writeOut, writeErr, outputError: (text, write) => write(text) });

registerTheoryCommands(program);
registerValidateCommand(program);
registerRunCommands(program);
registerSlurmCommands(program);
registerStudyCommand(program);
registerExportCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  writeErr(`snn-lab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
