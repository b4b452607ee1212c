/** The narrow logger the run classes take (a vscode LogOutputChannel satisfies it; so does `console`). */

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Discards everything (tests that do not inspect logs). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
