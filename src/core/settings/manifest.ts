import { SETTING_KEYS, SETTINGS, SETTINGS_SECTION, SettingDecl, settingId } from './settings';

/**
 * What package.json and the README say about settings, produced from the one
 * declaration table. A unit test fails when either file drifts from it;
 * `npm run settings:sync` writes them.
 */

/**
 * `contributes.configuration.properties` of package.json, with every text a person reads
 * (descriptions, enum descriptions, the rules schema's titles) replaced by a `%key%`
 * that VS Code looks up in package.nls.json / package.nls.<locale>.json.
 */
export function settingsContribution(): Record<string, object> {
  return localisedContribution().properties;
}

/** The English texts behind the `%key%`s of {@link settingsContribution}: the `config.` part of package.nls.json. */
export function settingsNls(): Record<string, string> {
  return localisedContribution().nls;
}

/** Keys of package.nls.json that belong to settings (written by `npm run settings:sync`). */
export const SETTINGS_NLS_PREFIX = 'config.';

/** Schema keywords whose string values are for people. */
const TEXT_KEYWORDS = new Set(['description', 'markdownDescription', 'title', 'deprecationMessage', 'markdownDeprecationMessage', 'errorMessage']);
const TEXT_LIST_KEYWORDS = new Set(['enumDescriptions', 'markdownEnumDescriptions']);

function localisedContribution(): { properties: Record<string, object>; nls: Record<string, string> } {
  const english = englishContribution();
  const nls: Record<string, string> = {};
  // One key per text: the rules schema repeats its shared fields in every branch.
  const keyOfText = new Map<string, string>();
  const keyFor = (here: string, text: string): string => {
    const key = keyOfText.get(text) ?? here;
    keyOfText.set(text, key);
    nls[key] = text;
    return `%${key}%`;
  };
  const walk = (node: unknown, keyPath: string): unknown => {
    if (Array.isArray(node)) {
      return node.map((v, i) => walk(v, `${keyPath}.${i}`));
    }
    if (node === null || typeof node !== 'object') {
      return node;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const here = `${keyPath}.${k}`;
      if (TEXT_KEYWORDS.has(k) && typeof v === 'string') {
        out[k] = keyFor(here, v);
      } else if (TEXT_LIST_KEYWORDS.has(k) && Array.isArray(v)) {
        out[k] = v.map((text: string, i) => keyFor(`${here}.${i}`, text));
      } else if (k === 'default' || k === 'enum' || k === 'examples') {
        out[k] = v; // values, not texts
      } else {
        out[k] = walk(v, here);
      }
    }
    return out;
  };
  const properties: Record<string, object> = {};
  for (const [id, decl] of Object.entries(english)) {
    properties[id] = walk(decl, `${SETTINGS_NLS_PREFIX}${id.slice(SETTINGS_SECTION.length + 1)}`) as object;
  }
  return { properties, nls };
}

function englishContribution(): Record<string, object> {
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
