import * as vscode from 'vscode';
import { ParsedConfig, parseConfig, RawSettings } from '../core/config';

export const SECTION = 'chatroomMonitor';

const KEYS: readonly (keyof RawSettings)[] = [
  'target.pid',
  'target.port',
  'target.commandPattern',
  'target.name',
  'sampleIntervalMs',
  'metrics.url',
  'metrics.maxSeries',
  'history.minutes',
  'analysis.memoryLimitMb',
];

/**
 * Settings are read here and nowhere else. VS Code already drops the workspace
 * value of restricted settings (metrics.url) in an untrusted workspace; the core
 * check is a second line for user settings that point off the machine.
 */
export function readConfig(): ParsedConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const raw: Record<string, unknown> = {};
  for (const k of KEYS) {
    raw[k] = c.get(k);
  }
  return parseConfig(raw as RawSettings, { allowRemoteMetrics: vscode.workspace.isTrusted });
}

/** Calls `onChange` for first setup and for every relevant change (settings or trust). */
export function watchConfig(onChange: (parsed: ParsedConfig) => void): vscode.Disposable {
  onChange(readConfig());
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) {
        onChange(readConfig());
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => onChange(readConfig())),
  );
}

/** Where a choice made by the user is saved: the workspace when one is open. */
export function settingsTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}
