import { SETTING_KEYS, SETTINGS, SettingDecl, settingId } from './settings';

/**
 * What package.json and the README say about settings, produced from the one
 * declaration table. A unit test fails when either file drifts from it;
 * `npm run settings:sync` writes them.
 */

/** `contributes.configuration.properties` of package.json. */
export function settingsContribution(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const key of SETTING_KEYS) {
    const d: SettingDecl = SETTINGS[key];
    out[settingId(key)] = {
      type: d.nullable ? [d.type, 'null'] : d.type,
      ...(d.enum ? { enum: [...d.enum] } : {}),
      default: d.default,
      ...(d.minimum !== undefined ? { minimum: d.minimum } : {}),
      ...(d.maximum !== undefined ? { maximum: d.maximum } : {}),
      ...(d.maxLength !== undefined ? { maxLength: d.maxLength } : {}),
      ...(d.format ? { format: d.format } : {}),
      order: d.order,
      ...(d.enumDescriptions ? { enumDescriptions: [...d.enumDescriptions] } : {}),
      markdownDescription: d.markdownDescription,
      ...(d.items ? { items: d.items } : {}),
    };
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, object>;
}

/** `capabilities.untrustedWorkspaces.restrictedConfigurations` of package.json. */
export function restrictedSettings(): string[] {
  return SETTING_KEYS.filter((k) => (SETTINGS[k] as SettingDecl).restricted).map(settingId);
}

/** The README's settings table (between its markers), one row per setting. */
export function settingsReadmeTable(): string {
  const rows = SETTING_KEYS.map((key) => {
    const d: SettingDecl = SETTINGS[key];
    // `#chatroomMonitor.x#` is a link in the Settings editor; plain code in the README.
    const text = d.markdownDescription.replace(/`#([\w.]+)#`/g, '`$1`').replace(/\|/g, '\\|');
    return `| \`${settingId(key)}\` | \`${JSON.stringify(d.default)}\` | ${text} |`;
  });
  return ['| Setting | Default | |', '|---|---|---|', ...rows].join('\n');
}

export const README_TABLE_START = '<!-- settings:start (generated from src/core/settings/settings.ts: npm run settings:sync) -->';
export const README_TABLE_END = '<!-- settings:end -->';
