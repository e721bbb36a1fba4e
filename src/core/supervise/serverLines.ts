/**
 * The supervised server's output as a line stream, in the shape the log pipeline
 * (issue 13, src/core/logs) attaches to: one `source` per stream ('stdout' / 'stderr',
 * so multi-line stack traces are joined per stream), and `onRestart` whenever a new
 * process starts (restarts after a crash, a user's restart, scale).
 */
import { Clock } from '../clock';
import { Disposable, DisposableStore, Emitter, Event } from '../events';
import { Supervisor } from './supervisor';

export interface ServerLine {
  readonly text: string;
  readonly source: 'stdout' | 'stderr';
  readonly receivedMs: number;
}

export class ServerLineStream implements Disposable {
  private readonly lines = new Emitter<ServerLine>();
  private readonly restarts = new Emitter<{ readonly timeMs: number }>();
  private readonly subscriptions = new DisposableStore();
  readonly onLine: Event<ServerLine> = this.lines.event;
  readonly onRestart: Event<{ readonly timeMs: number }> = this.restarts.event;

  constructor(supervisor: Supervisor, clock: Clock) {
    this.subscriptions.add(supervisor.onLine((l) => this.lines.fire({ text: l.text, source: l.stream, receivedMs: clock.now() })));
    this.subscriptions.add(
      supervisor.onEvent((e) => {
        if (e.type === 'started' && e.run > 1) {
          this.restarts.fire({ timeMs: e.timeMs });
        }
      }),
    );
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.lines.dispose();
    this.restarts.dispose();
  }
}
