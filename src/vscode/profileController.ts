/**
 * "Capture CPU Profile" / "Capture Heap Profile" (and "Profile now" on an alert):
 * profiles the watched server through the core profiler, writes the file into the
 * extension's storage, offers to open it in VS Code's profile viewer, and marks the
 * hot functions in the editor ("41% self CPU in the 14:02 profile") until cleared.
 * The profiler is a separate bundle, loaded on first use. Never in Restricted Mode:
 * it signals a process and attaches a debugger.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { Monitor } from '../core/monitor';
import type { CpuCapture, CpuCaptureResult, HeapCapture, HeapCaptureResult } from '../core/profile/capture';
import type * as Profiler from '../core/profile/profilerBundle';
import { inertNotificationText } from '../core/text/inertText';
import { Commands } from '../shared/commandIds';
import { MonitorLog } from './log';

export const PROFILE_DURATION_MS = 10_000;
const HEAP_DURATION_MS = 20_000;
/** At most this many functions get a decoration. */
const MAX_DECORATED = 5;
/** Functions below this share of CPU are not worth a mark. */
const MIN_DECORATED_PERCENT = 1;

/** What the last captures were, for the report's Profile section and the test API. */
export interface ProfileRecord {
  readonly kind: 'cpu' | 'heap';
  readonly file: string;
  readonly capture: CpuCapture | HeapCapture;
}

export interface DecorationLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export class ProfileController implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    isWholeLine: true,
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  /** Decorated lines by absolute path. */
  private marks = new Map<string, DecorationLine[]>();
  private busy = false;
  private readonly records: ProfileRecord[] = [];

  constructor(
    private readonly monitor: Monitor,
    private readonly log: MonitorLog,
    private readonly storageDir: string,
    private readonly bundleDir: string,
  ) {
    this.subscriptions.push(
      this.decoration,
      vscode.commands.registerCommand(Commands.captureCpuProfile, (durationMs?: number) => this.capture('cpu', durationMs)),
      vscode.commands.registerCommand(Commands.captureHeapProfile, (durationMs?: number) => this.capture('heap', durationMs)),
      vscode.commands.registerCommand(Commands.clearProfileDecorations, () => this.clearDecorations()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
    );
  }

  /** The profiles captured in this session, newest last. */
  profiles(): readonly ProfileRecord[] {
    return this.records;
  }

  /** The decorated lines, for tests. */
  decorations(): DecorationLine[] {
    return [...this.marks.values()].flat();
  }

  private loadProfiler(): typeof Profiler {
    // A computed path, so the bundler leaves it alone: dist/profiler.js is its own bundle.
    const file = path.join(this.bundleDir, 'profiler.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as typeof Profiler;
  }

  /** Captures a profile of the watched server; returns the record, or undefined with a sentence shown. */
  async capture(kind: 'cpu' | 'heap', durationMs?: number): Promise<ProfileRecord | undefined> {
    const target = this.monitor.targetState;
    const r =
      target.kind !== 'running'
        ? { ok: false as const, message: vscode.l10n.t('No server is being watched, so there is nothing to profile; run "Select Process to Watch" first.') }
        : await this.captureProcess(kind, target.process.pid, durationMs, true);
    if (!r.ok) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Chat-Room Monitor: {0}', inertNotificationText(r.message)));
      return undefined;
    }
    return r.record;
  }

  /**
   * Profiles process `pid` (the command, Profile now, and the rules' cpuProfile /
   * heapProfile actions all come here): the file, the report's evidence, the editor
   * marks. Never throws; a refusal or failure is one sentence, also in the log.
   * `announce`: say where the CPU went in a notification with Open Profile.
   */
  async captureProcess(kind: 'cpu' | 'heap', pid: number, durationMs: number | undefined, announce: boolean): Promise<{ ok: true; record: ProfileRecord; finding: string } | { ok: false; message: string }> {
    const fail = (message: string) => {
      this.log.warn(message);
      return { ok: false as const, message };
    };
    if (!vscode.workspace.isTrusted) {
      return fail(vscode.l10n.t('Profiling attaches a debugger to the server, so it is off in Restricted Mode; trust this workspace to profile.'));
    }
    if (this.busy) {
      return fail(vscode.l10n.t('A profile is already being captured; wait for it to finish.'));
    }
    this.busy = true;
    try {
      const profiler = this.loadProfiler();
      const ms = durationMs ?? (kind === 'cpu' ? PROFILE_DURATION_MS : HEAP_DURATION_MS);
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      const title =
        kind === 'cpu'
          ? vscode.l10n.t('Chat-Room Monitor: recording a CPU profile of process {0} for {1} s…', pid, Math.round(ms / 1000))
          : vscode.l10n.t('Chat-Room Monitor: recording a heap profile of process {0} for {1} s…', pid, Math.round(ms / 1000));
      const result: CpuCaptureResult | HeapCaptureResult = await vscode.window.withProgress<CpuCaptureResult | HeapCaptureResult>(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          const opts = { pid, durationMs: ms, workspaceRoots: roots, log: (s: string) => this.log.info(s), signal: ac.signal };
          return kind === 'cpu' ? profiler.captureCpuProfile(opts) : profiler.captureHeapDiff(opts);
        },
      );
      if (!result.ok) {
        return fail(result.message);
      }
      const file = profiler.writeProfileFile(path.join(this.storageDir, 'profiles'), result);
      const record: ProfileRecord = { kind, file, capture: result };
      this.records.push(record);
      if (this.records.length > 20) {
        this.records.shift();
      }
      this.monitor.recordProfile(profiler.profileEvidenceOf(result));
      this.log.info(kind === 'cpu' ? vscode.l10n.t('CPU profile written to {0}.', file) : vscode.l10n.t('Heap profile written to {0}.', file));
      if (result.kind === 'cpu') {
        this.decorate(result);
      }
      const finding = findingOf(record, profiler);
      if (announce) {
        void this.announce(record, finding);
      }
      return { ok: true, record, finding };
    } catch (e) {
      return fail(vscode.l10n.t('The profile could not be captured: {0}', e instanceof Error ? e.message : String(e)));
    } finally {
      this.busy = false;
    }
  }

  /** Opens a profile file in VS Code (its profile viewer where present). */
  async open(file: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
  }

  private async announce(r: ProfileRecord, finding: string): Promise<void> {
    const open = vscode.l10n.t('Open Profile');
    const saved =
      r.kind === 'cpu'
        ? vscode.l10n.t('Chat-Room Monitor: CPU profile saved — {0}.', inertNotificationText(finding))
        : vscode.l10n.t('Chat-Room Monitor: Heap profile saved — {0}.', inertNotificationText(finding));
    const choice = await vscode.window.showInformationMessage(saved, open);
    if (choice === open) {
      await this.open(r.file);
    }
  }

  private decorate(c: CpuCapture): void {
    const at = new Date(c.startedAtMs);
    const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    const marks = new Map<string, DecorationLine[]>();
    for (const h of c.summary.hotFunctions.filter((f) => f.inWorkspace && f.absolutePath && f.selfPercent >= MIN_DECORATED_PERCENT).slice(0, MAX_DECORATED)) {
      const list = marks.get(h.absolutePath!) ?? [];
      list.push({ file: h.absolutePath!, line: h.line, text: vscode.l10n.t('{0}% self CPU in the {1} profile', Math.round(h.selfPercent), hhmm) });
      marks.set(h.absolutePath!, list);
    }
    this.marks = marks;
    this.render();
  }

  clearDecorations(): void {
    this.marks.clear();
    this.render();
  }

  private render(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const lines = this.marks.get(editor.document.uri.fsPath) ?? [];
      editor.setDecorations(
        this.decoration,
        lines
          .filter((l) => l.line >= 1 && l.line <= editor.document.lineCount)
          .map((l) => ({ range: editor.document.lineAt(l.line - 1).range, renderOptions: { after: { contentText: l.text } } })),
      );
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

/** One sentence of what a profile found (plain text; escape it for its surface). */
function findingOf(r: ProfileRecord, profiler: typeof Profiler): string {
  const c = r.capture;
  const top = c.kind === 'cpu' ? profiler.topOwnFunction(c) : profiler.topOwnAllocationSite(c);
  if (!top) {
    return vscode.l10n.t('nothing in the workspace stood out');
  }
  const where = `${top.file}:${top.line}`;
  return c.kind === 'cpu'
    ? vscode.l10n.t('{0}% of CPU in {1} at {2}', (top as { selfPercent: number }).selfPercent, top.function, where)
    : vscode.l10n.t('{0} at {1} grew the most', top.function, where);
}
