/**
 * Groups the physical lines of one source into log events: a Node error and its
 * `    at …` frames, or a Python traceback, become one event; everything else is one
 * line per event. JSON lines are always complete on their own.
 */

/** Longest multi-line event kept (lines); the rest of a runaway trace becomes plain lines. */
const MAX_EVENT_LINES = 200;

type Mode = 'none' | 'v8' | 'python';

export class EventAssembler {
  private lines: string[] = [];
  private mode: Mode = 'none';
  private pythonSawFrame = false;

  /** @param emit receives each finished event's text (lines joined with `\n`). */
  constructor(private readonly emit: (text: string) => void) {}

  /** True while an event is waiting for possible continuation lines. */
  get pending(): boolean {
    return this.lines.length > 0;
  }

  push(line: string): void {
    if (this.lines.length > 0 && this.lines.length < MAX_EVENT_LINES && this.continues(line)) {
      this.lines.push(line);
      if (this.mode === 'python' && this.pythonSawFrame && !/^\s/.test(line) && !isPythonChainLine(line) && line.trim() !== '') {
        // The final `KeyError: 'x'` line closes a traceback.
        this.flush();
      }
      return;
    }
    this.flush();
    if (line.charCodeAt(0) === 0x7b /* { */) {
      this.emit(line);
      return;
    }
    this.lines.push(line);
    this.mode = line.startsWith('Traceback (most recent call last)') ? 'python' : 'none';
    this.pythonSawFrame = false;
  }

  flush(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('\n');
    this.lines = [];
    this.mode = 'none';
    this.pythonSawFrame = false;
    this.emit(text);
  }

  private continues(line: string): boolean {
    if (this.mode === 'python') {
      if (/^\s+File "/.test(line)) this.pythonSawFrame = true;
      // Indented source lines and carets, chained-exception sentences, then the final line.
      return true;
    }
    if (/^\s+at /.test(line) || /^\s+\.\.\. \d+ more/.test(line)) {
      this.mode = 'v8';
      return true;
    }
    if (this.mode === 'v8') {
      // Node prints `  [cause]: Error: …` and `{ code: 'E…' }` blocks after frames.
      return /^\s+\[cause\]:|^\s+[\w$]+: |^\s*}\s*$|^Caused by: /.test(line);
    }
    // A Python traceback can also start after a logger's own first line (`ERROR:root:failed`).
    if (line.startsWith('Traceback (most recent call last)')) {
      this.mode = 'python';
      return true;
    }
    return false;
  }
}

function isPythonChainLine(line: string): boolean {
  return line.startsWith('During handling of the above exception') || line.startsWith('The above exception was the direct cause') || line.startsWith('Traceback (most recent call last)');
}
