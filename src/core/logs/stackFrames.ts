/** Stack frames read from Node (V8) and Python tracebacks, as written in the log. */

export interface RawFrame {
  /** The path or URL exactly as the log wrote it (`/app/src/x.js`, `file:///…`, `src/x.py`). */
  readonly file: string;
  readonly line: number;
  /** 1-based column when the runtime gives one (V8 does, Python does not). */
  readonly column?: number;
  readonly fn?: string;
}

// `    at fn (file:line:col)`, `    at file:line:col`, `    at async fn (file:line:col)`
const V8_FRAME = /^\s*at (?:(?:async )?(.*?) \()?(.+?):(\d+):(\d+)\)?\s*$/;
// `  File "/app/x.py", line 12, in handler`
const PY_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?\s*$/;

/** True when the line is a V8 `at …` frame line (it may lack a position: `at new Promise (<anonymous>)`). */
export function isV8FrameLine(line: string): boolean {
  return /^\s+at /.test(line);
}

export function isPythonFrameLine(line: string): boolean {
  return /^\s+File "/.test(line);
}

export function parseV8Frame(line: string): RawFrame | undefined {
  const m = V8_FRAME.exec(line);
  if (!m) return undefined;
  const fn = m[1];
  return { file: m[2]!, line: Number(m[3]), column: Number(m[4]), ...(fn ? { fn } : {}) };
}

export function parsePythonFrame(line: string): RawFrame | undefined {
  const m = PY_FRAME.exec(line);
  if (!m) return undefined;
  return { file: m[1]!, line: Number(m[2]), ...(m[3] ? { fn: m[3] } : {}) };
}

/**
 * The frames of a stack text, innermost first (V8 prints innermost first; Python's
 * traceback prints outermost first, so its frames are reversed here).
 */
export function parseStackFrames(stack: string, maxFrames = 50): RawFrame[] {
  const frames: RawFrame[] = [];
  let python = false;
  for (const line of stack.split('\n')) {
    if (frames.length >= maxFrames && !python) break;
    const v8 = parseV8Frame(line);
    if (v8) {
      frames.push(v8);
      continue;
    }
    const py = parsePythonFrame(line);
    if (py) {
      python = true;
      frames.push(py);
    }
  }
  if (python) {
    frames.reverse();
    frames.length = Math.min(frames.length, maxFrames);
  }
  return frames;
}

/**
 * The error's type and message from a stack text's header: `TypeError: x is not a function`
 * (V8, first line) or the last line of a Python traceback (`KeyError: 'room'`).
 */
export function stackHeadline(stack: string): { type: string; message: string } | undefined {
  const lines = stack.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0);
  if (lines.length === 0) return undefined;
  const isPython = lines[0]!.startsWith('Traceback (most recent call last)');
  const head = isPython ? [...lines].reverse().find((l) => !/^\s/.test(l) && !l.startsWith('Traceback')) : lines[0];
  if (!head) return undefined;
  return splitTypeAndMessage(head.trim());
}

/** `RangeError [ERR_X]: msg` → type RangeError, message msg; a line without a type → type "Error". */
export function splitTypeAndMessage(head: string): { type: string; message: string } {
  const m = /^(?:Uncaught )?([A-Za-z_$][\w$.]*(?:Error|Exception|Warning|Interrupt|Exit|Fault)?)(?: \[[A-Z0-9_]+\])?: (.*)$/.exec(head);
  if (m && /^[A-Z]/.test(m[1]!.split('.').pop()!)) {
    return { type: m[1]!, message: m[2]! };
  }
  const bare = /^([A-Za-z_$][\w$.]*(?:Error|Exception))$/.exec(head);
  if (bare) return { type: bare[1]!, message: '' };
  return { type: 'Error', message: head };
}
