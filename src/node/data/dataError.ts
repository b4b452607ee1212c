/**
 * The error every dataset loader throws for bad input: a message naming the file, row and column where there is
 * one, plus those places as fields for tools that want to point at them.
 */

/** A data problem the user can fix (missing file, bad cell, too few rows...). */
export class DataError extends Error {
  override readonly name = 'DataError';

  constructor(
    message: string,
    readonly where: { file?: string; line?: number; column?: string } = {},
  ) {
    super(message);
  }
}
