import * as vscode from 'vscode';
import { SourceOutput, TickSource } from '../../core/collect/tickSource';
import type { LineStream } from '../../core/logs/lineStream';
import { inertLogText } from '../../core/text/inertText';
import type { TracesReport, TraceWatcher } from '../../core/traces/traceWatcher';
import { settingId } from '../../core/settings/settings';
import { readTimeWindow, readTraceId, TimeWindow } from '../../core/traces/moment';
import { Commands } from '../../shared/commandIds';
import { loadBundle } from '../lazyModule';
import { MonitorLog } from '../log';

type TracesModule = typeof import('../../core/traces/traceWatcher');
type TracesViewModule = typeof import('./tracesViewPanel');
type TracesViewPanelType = import('./tracesViewPanel').TracesViewPanel;

export interface TracesSettings {
  readonly enabled: boolean;
  readonly port: number;
  /** Workspace trust: an untrusted workspace never gets a receiver. */
  readonly trusted: boolean;
}

/** Where the receiver is: off (by the setting or by trust), starting, listening, or failed (with why). */
export type ReceiverState = 'off' | 'untrusted' | 'starting' | 'listening' | 'failed';

/**
 * The traces side in the editor: runs the OTLP/HTTP receiver (core TraceWatcher) on
 * loopback while `chatroomMonitor.traces.enabled` is on and the workspace is trusted;
 * its log records join the log pipeline, its per-operation series the monitor's
 * ticks, its figures the report. The receiver and its wire format (protobufjs, the
 * OTLP definitions) are dist/traces.js, loaded after activation has returned, so
 * neither weighs on activation nor on the main bundle.
 */
export class TracesController implements vscode.Disposable {
  private watcher: TraceWatcher | undefined;
  private watcherSubs: { dispose(): void }[] = [];
  private key = '';
  private generation = 0;
  private stateNow: ReceiverState = 'off';
  private sentence = vscode.l10n.t('The OTLP receiver has not started yet.');
  private readonly stateEmitter = new vscode.EventEmitter<ReceiverState>();
  /** Fires when the receiver starts, stops or fails. */
  readonly onDidChangeState = this.stateEmitter.event;
  private view: TracesViewPanelType | undefined;
  private readonly command: vscode.Disposable;

  constructor(
    private readonly log: MonitorLog,
    /** Feeds a line stream (the OTLP log records) into the log pipeline; returns how to stop. */
    private readonly attachLogs: (stream: LineStream) => vscode.Disposable,
    private readonly roots: () => readonly string[],
    private readonly extensionUri: vscode.Uri,
    /** Deferral of the start (after activation); tests may pass a direct call. */
    private readonly defer: (fn: () => void) => void = (fn) => void setTimeout(fn, 0),
  ) {
    // With a window ({ fromMs, toMs }, a point picked on a dashboard chart): the traces of that moment;
    // with a traceId too (an exemplar picked), that trace selected in it.
    this.command = vscode.commands.registerCommand(Commands.showTraces, (arg?: unknown) => this.showView(readTimeWindow(arg), readTraceId(arg)));
  }

  /**
   * Opens (or reveals) the Traces view; its code is its own bundle, loaded now. With a
   * window, the view shows the operations and slowest traces of that window only (until
   * the user asks for all); without, everything kept. With a trace id, the view selects
   * that trace (or says it is no longer kept).
   */
  showView(window?: TimeWindow, traceId?: string): void {
    if (!this.view) {
      const { TracesViewPanel } = loadBundle<TracesViewModule>('tracesView.js', 'traces/tracesViewPanel');
      this.view = new TracesViewPanel(this.extensionUri, {
        watcher: () => (this.stateNow === 'listening' ? this.watcher : undefined),
        receiver: () => ({ state: this.stateNow, message: this.sentence }),
        roots: this.roots,
        log: (m) => this.log.warn(inertLogText(m)),
      });
    }
    this.view.setWindow(window, traceId);
    this.view.show();
  }

  /** The window the Traces view is narrowed to (tests). */
  get viewWindow(): TimeWindow | undefined {
    return this.view?.window;
  }

  /** The trace last sent to the Traces view's waterfall, and whether it was still kept (tests). */
  get viewTrace(): { traceId: string; kept: boolean } | undefined {
    return this.view?.shownTrace;
  }

  /** True while the Traces view is open (tests). */
  get viewOpen(): boolean {
    return this.view?.isOpen ?? false;
  }

  /** A tick source for the monitor: the busiest operations' RED series while the receiver runs. */
  readonly tickSource: TickSource = {
    id: 'traces',
    collect: (ctx): Promise<SourceOutput> => (this.source ? this.source.collect(ctx) : Promise.resolve({ samples: [], problems: [] })),
  };
  private source: TickSource | undefined;

  get state(): ReceiverState {
    return this.stateNow;
  }

  /** One sentence about the receiver: where it listens, or why it does not. */
  get message(): string {
    return this.sentence;
  }

  /** The port it listens on (undefined unless listening). */
  get port(): number | undefined {
    return this.stateNow === 'listening' ? this.watcher?.receiver.port : undefined;
  }

  /** The running watcher (the Traces view, tests). */
  get current(): TraceWatcher | undefined {
    return this.watcher;
  }

  /** Starts, stops or moves the receiver; nothing happens when nothing it reads changed. */
  apply(s: TracesSettings): void {
    const key = JSON.stringify(s);
    if (key === this.key) return;
    this.key = key;
    const gen = ++this.generation;
    this.stop();
    if (!s.enabled) {
      this.setState('off', vscode.l10n.t('The OTLP receiver is off ({0}).', settingId('traces.enabled')));
      return;
    }
    if (!s.trusted) {
      this.setState('untrusted', vscode.l10n.t('The OTLP receiver is off in this untrusted workspace (Restricted Mode): trust the workspace to receive OpenTelemetry spans and logs on {0}.', where(s.port)));
      this.log.info(this.sentence);
      return;
    }
    this.setState('starting', vscode.l10n.t('The OTLP receiver is starting on {0}.', where(s.port)));
    this.defer(() => {
      if (gen !== this.generation) return; // settings changed again meanwhile
      void this.start(s.port, gen);
    });
  }

  private async start(port: number, gen: number): Promise<void> {
    let w: TraceWatcher;
    try {
      const { TraceWatcher } = loadBundle<TracesModule>('traces.js', '../core/traces/traceWatcher');
      w = new TraceWatcher({ clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }, port, portSetting: settingId('traces.port') });
    } catch (err) {
      this.fail(vscode.l10n.t('The OTLP receiver could not be loaded: {0}.', err instanceof Error ? err.message : String(err)));
      return;
    }
    this.watcher = w;
    this.source = w.tickSource();
    this.watcherSubs = [this.attachLogs(w.logLines)];
    try {
      const bound = await w.start();
      if (gen !== this.generation) return;
      this.setState('listening', vscode.l10n.t("Receiving OpenTelemetry spans and logs (OTLP/HTTP) on {0}: point the server's OTLP exporter there (OTEL_EXPORTER_OTLP_ENDPOINT).", `http://127.0.0.1:${bound}`));
      this.log.info(this.sentence);
    } catch (err) {
      if (gen !== this.generation) return;
      this.stop();
      this.fail(err instanceof Error ? err.message : String(err));
    }
  }

  private fail(sentence: string): void {
    this.setState('failed', sentence);
    this.log.warn(inertLogText(sentence));
  }

  /** What makes the report's `traces` object for [fromMs, toMs]; undefined while no receiver listens. */
  reporter(): ((fromMs: number, toMs: number) => TracesReport) | undefined {
    const w = this.watcher;
    return w && this.stateNow === 'listening' ? (fromMs, toMs) => w.report(fromMs, toMs) : undefined;
  }

  private setState(state: ReceiverState, sentence: string): void {
    this.stateNow = state;
    this.sentence = sentence;
    this.stateEmitter.fire(state);
  }

  private stop(): void {
    this.watcherSubs.splice(0).forEach((d) => d.dispose());
    this.watcher?.dispose();
    this.watcher = undefined;
    this.source = undefined;
  }

  dispose(): void {
    this.generation++;
    this.view?.dispose();
    this.command.dispose();
    this.stop();
    this.stateEmitter.dispose();
  }
}

/** `127.0.0.1:4318`, or for port 0 what it means. */
function where(port: number): string {
  return port === 0 ? vscode.l10n.t('a free port of 127.0.0.1') : `127.0.0.1:${port}`;
}
