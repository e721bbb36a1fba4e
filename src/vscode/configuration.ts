import * as vscode from 'vscode';
import { ParsedConfig, parseConfig } from '../core/config';
import { Emitter, Event } from '../core/events';
import { changedSettings, RawSettings, SETTING_KEYS, SETTINGS_SECTION, SettingKey, SettingsChange as CoreSettingsChange } from '../core/settings/settings';

export const SECTION = SETTINGS_SECTION;

export type SettingsChange = CoreSettingsChange<ParsedConfig>;

/**
 * The one reader of the extension's settings: reads every declared key, validates
 * them (core), and fires one change event with the keys that changed, so each part
 * reconfigures only for its own keys. VS Code already drops the workspace value of
 * restricted settings (metrics.url) in an untrusted workspace; the core check is a
 * second line for user settings that point off the machine.
 */
export class SettingsReader implements vscode.Disposable {
  private readonly emitter = new Emitter<SettingsChange>();
  /** Fires after every change of a declared setting or of workspace trust. */
  readonly onDidChange: Event<SettingsChange> = this.emitter.event;
  private raw: RawSettings;
  private trusted: boolean;
  private parsed: ParsedConfig;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.raw = readRaw();
    this.trusted = vscode.workspace.isTrusted;
    this.parsed = parseConfig(this.raw, { allowRemoteMetrics: this.trusted });
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SECTION) && this.reread()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reread()),
    ];
  }

  /** The settings now. */
  get current(): ParsedConfig {
    return this.parsed;
  }

  private reread(): void {
    const raw = readRaw();
    const changed = new Set(changedSettings(this.raw, raw));
    if (vscode.workspace.isTrusted !== this.trusted) {
      changed.add('metrics.url'); // trust decides which metrics URLs are allowed
      changed.add('prometheus.url'); // …and which Prometheus may be read
      changed.add('traces.enabled'); // and whether the OTLP receiver runs
    }
    this.raw = raw;
    this.trusted = vscode.workspace.isTrusted;
    this.parsed = parseConfig(raw, { allowRemoteMetrics: this.trusted });
    if (changed.size > 0) {
      this.emitter.fire({ parsed: this.parsed, changed });
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.emitter.dispose();
  }
}

/** Every key a part reads, for the first setup ("everything changed"). */
export const ALL_SETTINGS: ReadonlySet<SettingKey> = new Set(SETTING_KEYS);

function readRaw(): RawSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const raw: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    raw[k] = c.get(k);
  }
  return raw;
}

/** Where a choice made by the user is saved: the workspace when one is open. */
export function settingsTarget(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}
