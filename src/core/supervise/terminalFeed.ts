/**
 * What the server's terminal shows: the server's output lines, kept while no terminal
 * is open to receive them.
 *
 * VS Code drops whatever a Pseudoterminal fires before it has called `open()`, and a
 * busy window opens the terminal well after the server printed its first lines (the
 * "listening on …" line was lost that way). A terminal the user closed and opens again
 * should also show what it missed. So every line goes to a bounded backlog, and a
 * terminal that opens receives the backlog first, then the live lines.
 */
export class TerminalFeed {
  private lines: string[] = [];
  private sink: ((data: string) => void) | undefined;

  /** @param maxLines how many of the last lines an opening terminal is shown */
  constructor(private readonly maxLines = 2000) {}

  /** One line of output (without its line ending). */
  write(line: string): void {
    this.lines.push(line);
    // Trim in batches so a chatty server does not pay an array shift per line.
    if (this.lines.length > 2 * this.maxLines) {
      this.lines = this.lines.slice(-this.maxLines);
    }
    this.sink?.(`${line}\r\n`);
  }

  /** A terminal opened: it gets the kept lines now and every later line as it comes. */
  open(sink: (data: string) => void): void {
    this.sink = sink;
    const kept = this.lines.slice(-this.maxLines);
    if (kept.length > 0) {
      sink(`${kept.join('\r\n')}\r\n`);
    }
  }

  /** The terminal closed: lines are kept for the next one. */
  close(): void {
    this.sink = undefined;
  }
}
