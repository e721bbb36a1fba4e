/** ANSI escape sequences (colour, cursor, OSC hyperlinks) removed from a log line. */

// CSI … final byte, OSC … BEL/ST, and lone two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  // Fast path: most lines have no escape at all.
  if (text.indexOf('\u001b') < 0 && text.indexOf('\u009b') < 0) {
    return text;
  }
  return text.replace(ANSI, '');
}
