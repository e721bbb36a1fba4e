/**
 * How the integration tests reach the extension: its id, the test API that
 * activate() returns, and small polling helpers (the extension host sees the
 * workbench and the sampler asynchronously, so tests wait, with a deadline).
 */
import * as assert from 'assert';
import * as net from 'net';
import * as vscode from 'vscode';
import type { Event } from '../../../src/core/events';
import type { Snapshot, TargetState } from '../../../src/core/model';

export const EXTENSION_ID = 'chatroom-monitor.chatroom-monitor';

/** The API activate() returns (the lead's src/vscode/extension.ts). */
export interface ChatroomMonitorApi {
  statusBar(): { text: string; tooltip: string; backgroundColor?: string };
  targetState(): TargetState;
  latestSnapshot(): Snapshot | undefined;
  onSnapshot: Event<Snapshot>;
  logLines(): string[];
  /** Active alerts (pending and firing) as the engine holds them. */
  activeAlerts(): { id: string; ruleId: string; level: string; state: string; title: string }[];
  /** Notifications shown so far, after the storm guard (a resolved one keeps its alert's level). */
  notifications(): readonly { level: string; text: string; atMs: number; actions: readonly string[] }[];
  /** True while the dashboard panel is open. */
  dashboardOpen(): boolean;
  /** Oldest and newest sample of a series key and how many the store holds. */
  seriesSpan(key: string): { firstMs: number; lastMs: number; count: number } | undefined;
  /** Error groups and line rates from the followed log files (undefined when none is set). */
  logsReport(): { linesPerSecond: number; lines: number; errorGroups: { id: string; count: number; type: string; message: string; frames: { file: string; line: number; column: number | null; inWorkspace: boolean }[] }[] } | undefined;
  /** Recomputes the Problems entries now. */
  refreshProblems(): void;
  /** The OTLP receiver: state, its sentence, the port it listens on, the report's traces object. */
  traces: {
    state(): 'off' | 'untrusted' | 'starting' | 'listening' | 'failed';
    message(): string;
    port(): number | undefined;
    report(fromMs: number, toMs: number): { spansReceived: number; operations: { service: string; name: string; kind: string; category: string; count: number; p95Ms: number }[]; slowest: { traceId: string; name: string; durationMs: number; startTime: string }[]; diagnosis: string[] } | undefined;
    viewOpen(): boolean;
    /** The moment the Traces view is narrowed to; undefined: everything kept. */
    viewWindow(): { fromMs: number; toMs: number } | undefined;
    viewTrace(): { traceId: string; kept: boolean } | undefined;
  };
}

/** The extension, activated; fails the test with a sentence when it is missing. */
export async function monitorApi(): Promise<ChatroomMonitorApi> {
  const ext = vscode.extensions.getExtension<ChatroomMonitorApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this extension host`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api, `extension ${EXTENSION_ID} activated but returned no test API from activate()`);
  return api;
}

/** Polls `probe` until it returns a truthy value; fails after `timeoutMs` with `what` and the last value seen. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15000, describeLast?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describeLast ? `; last: ${describeLast()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves after `count` more snapshots (ticks) have been emitted. */
export function nextSnapshots(api: ChatroomMonitorApi, count: number, timeoutMs = 20000): Promise<Snapshot[]> {
  return new Promise((resolve, reject) => {
    const seen: Snapshot[] = [];
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`only ${seen.length} of ${count} snapshots arrived within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = api.onSnapshot((s) => {
      seen.push(s);
      if (seen.length >= count) {
        clearTimeout(timer);
        sub.dispose();
        resolve(seen);
      }
    });
  });
}

/** A required env var the harness sets on code-server (and so on the extension host). */
export function harnessEnv(name: string): string {
  const v = process.env[name];
  assert.ok(v, `${name} is not set: run these tests through scripts/integration.mjs (npm test) or runDesktop.js`);
  return v;
}

/** The chatroomMonitor section, for updates in the workspace settings. */
export function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('chatroomMonitor');
}

/** Sets workspace values for the test and returns a function restoring the previous ones. */
export async function withWorkspaceSettings(values: Record<string, unknown>): Promise<() => Promise<void>> {
  const before: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    before[key] = settings().inspect(key)?.workspaceValue;
    await settings().update(key, value, vscode.ConfigurationTarget.Workspace);
  }
  return async () => {
    for (const [key, value] of Object.entries(before)) {
      await settings().update(key, value, vscode.ConfigurationTarget.Workspace);
    }
  };
}

/** A loopback port nothing listens on (the OS picked it a moment ago). */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
