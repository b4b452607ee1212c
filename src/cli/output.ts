/**
 * The CLI's only writers to stdout and stderr (ESLint forbids others in src/cli): text passes through
 * `printable`, so names, messages and CSV cells read from files reach the terminal as visible escapes, and a
 * closed pipe (`snn-lab … | head -4`) ends the process quietly with status 141, as git and ls end on SIGPIPE.
 */
import { printable } from '../core/printable';

/** The exit status of a process ended by SIGPIPE (128 + 13), what shells report for `ls | head`. */
export const EXIT_BROKEN_PIPE = 141;

let watching = false;

/** Ends the process quietly when the reader of stdout or stderr goes away (EPIPE), instead of a stack trace. */
export function exitQuietlyOnBrokenPipe(): void {
  if (watching) return;
  watching = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
      throw error;
    });
  }
}

/** Writes to stdout (escaping control characters; newlines pass). */
export function writeOut(text: string): void {
  process.stdout.write(printable(text));
}

/** Writes to stderr (escaping control characters; newlines pass). */
export function writeErr(text: string): void {
  process.stderr.write(printable(text));
}
