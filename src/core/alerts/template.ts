/**
 * Alert titles and messages with `{{placeholders}}`. Templates are parsed once when a
 * rule compiles (unknown placeholders are reported then, not shown to the user as
 * raw braces) and rendered only when an alert is shown, so evaluation stays cheap.
 */

import * as l10n from '@vscode/l10n';
import { inertTemplateValue } from '../text/inertText';

/** Placeholders every rule can use; `{{labels.<name>}}` is allowed as well. */
export const TEMPLATE_VARIABLES = ['value', 'threshold', 'unit', 'metric', 'for', 'level', 'op', 'id', 'limit', 'within'] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** A literal piece, or a variable: `{ v: 'value' }`, `{ label: 'room' }`. */
export type TemplatePart = string | { readonly v: TemplateVariable } | { readonly label: string };

export interface CompiledTemplate {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES);

/** Parses a template; `error` names the first unknown placeholder and lists the known ones. */
export function compileTemplate(source: string): { template: CompiledTemplate } | { error: string } {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (m.index > last) {
      parts.push(source.slice(last, m.index));
    }
    const label = /^labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(name);
    if (label) {
      parts.push({ label: label[1]! });
    } else if (KNOWN.has(name)) {
      parts.push({ v: name as TemplateVariable });
    } else {
      return {
        error: l10n.t('has an unknown placeholder {0}; use one of {1} or {2}', `{{${name}}}`, TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', '), '{{labels.<name>}}'),
      };
    }
    last = m.index + m[0].length;
  }
  if (last < source.length) {
    parts.push(source.slice(last));
  }
  return { template: { source, parts } };
}

/**
 * Fills a compiled template; a missing label renders as an empty string, as in
 * Prometheus. Values come from the watched side, so each is substituted as inert
 * text (one line, hidden characters named, bounded) and in one pass: `{{…}}` inside a
 * value is never expanded. The result is plain text; each surface escapes it.
 */
export function renderTemplate(
  t: CompiledTemplate,
  vars: Readonly<Record<TemplateVariable, string>>,
  labels: Readonly<Record<string, string>>,
): string {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      out += p;
    } else if ('v' in p) {
      out += inertTemplateValue(vars[p.v]);
    } else {
      out += inertTemplateValue(labels[p.label] ?? '');
    }
  }
  return out;
}
