/**
 * Makes text from files safe to print on a terminal: control characters (C0 except newline, tab and the carriage
 * return of a CRLF line end, which CSV output uses; DEL; C1) and the
 * bidirectional overrides become visible escapes such as `\x1b` or `\u202e`, so a run name, a CSV cell or a key
 * cannot move the cursor, retitle the window, clear the screen or reorder what is shown.
 */

const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

/** `text` with every control character but newline, tab and CRLF written as an escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
