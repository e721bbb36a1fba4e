import { Emitter } from '../../../src/core/events';
import { Launcher, LaunchedProcess, LaunchSpec, OutputLine, ProcessExit, TreeProcess } from '../../../src/core/supervise/launcher';

/** A launched process the test drives by hand: print lines, exit with a code or signal. */
export interface FakeProcess extends LaunchedProcess {
  readonly spec: LaunchSpec;
  readonly signals: string[];
  print(stream: 'stdout' | 'stderr', text: string): void;
  exit(e: ProcessExit): void;
  readonly exited: boolean;
}

/**
 * A scripted Launcher: every launch is recorded; by default a signal makes the fake
 * process exit with that signal (as a server without handlers would), unless
 * `ignoreTerm` is set (then only SIGKILL ends it).
 */
export class FakeLauncher implements Launcher {
  readonly launched: FakeProcess[] = [];
  private nextPid = 1000;
  ignoreTerm = false;
  tree = new Map<number, TreeProcess[]>();

  launch(spec: LaunchSpec): LaunchedProcess {
    const lines = new Emitter<OutputLine>();
    const exits = new Emitter<ProcessExit>();
    const pid = this.nextPid++;
    const signals: string[] = [];
    let exited = false;
    const exit = (e: ProcessExit) => {
      if (!exited) {
        exited = true;
        exits.fire(e);
      }
    };
    const p: FakeProcess = {
      pid,
      spec,
      signals,
      onLine: lines.event,
      onExit: exits.event,
      signal: (sig, extra = []) => {
        signals.push(extra.length ? `${sig}+${extra.join(',')}` : sig);
        if (!exited && (sig === 'SIGKILL' || !this.ignoreTerm)) {
          queueMicrotask(() => exit({ exitCode: null, signal: sig }));
        }
      },
      print: (stream, text) => lines.fire({ stream, text }),
      exit,
      get exited() {
        return exited;
      },
    };
    this.launched.push(p);
    return p;
  }

  descendants(pid: number): Promise<TreeProcess[]> {
    return Promise.resolve(this.tree.get(pid) ?? []);
  }

  get last(): FakeProcess {
    return this.launched[this.launched.length - 1]!;
  }
}
