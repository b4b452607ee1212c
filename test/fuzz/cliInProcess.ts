/** Runs an `snn-lab` subcommand in this process (no child process per fuzz case), capturing its output and exit code. */
import { Command } from 'commander';

export interface CliOutcome {
  /** process.exitCode the command set (0 when none); a CommanderError's own code. */
  code: number;
  /** stdout and stderr interleaved, cut at 1 MB. */
  out: string;
}

/** Registers one subcommand on a fresh program and runs it with `args`; an unexpected exception propagates. */
export async function cliInProcess(
  register: (program: Command) => void,
  args: string[],
): Promise<CliOutcome> {
  const program = new Command('snn-lab')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  register(program);
  let out = '';
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  // The CLI writes strings; node:test's own reports (serialised Buffers on stdout) pass through untouched.
  const capture =
    (pass: typeof stdout) =>
    (chunk: string | Uint8Array, ...rest: never[]): boolean => {
      if (typeof chunk !== 'string') return pass(chunk, ...rest);
      if (out.length < 1_000_000) out += chunk;
      return true;
    };
  process.stdout.write = capture(stdout) as typeof process.stdout.write;
  process.stderr.write = capture(stderr) as typeof process.stderr.write;
  const previous = process.exitCode;
  process.exitCode = 0;
  let code: number;
  try {
    await program.parseAsync(['node', 'snn-lab', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'CommanderError')) throw error;
    code = (error as Error & { exitCode: number }).exitCode;
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.exitCode = previous;
  }
  return { code, out };
}
