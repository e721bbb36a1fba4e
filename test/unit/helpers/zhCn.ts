import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { MessageBundle, useLocale } from '../../../src/core/i18n/locale';

/** The shipped Chinese bundle (the one the extension, the CLI and the page use). */
export function zhCnBundle(): MessageBundle {
  const root = path.resolve(__dirname, '../../../..');
  return JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8')) as MessageBundle;
}

/** Runs `body` with the display language set to Simplified Chinese, then back to English. */
export function inZhCn<T>(body: () => T): T {
  useLocale('zh-cn', zhCnBundle());
  try {
    return body();
  } finally {
    useLocale('en');
  }
}

/** {@link inZhCn} for a body that awaits (the real locator, a real socket). */
export async function inZhCnAsync<T>(body: () => Promise<T>): Promise<T> {
  useLocale('zh-cn', zhCnBundle());
  try {
    return await body();
  } finally {
    useLocale('en');
  }
}

/**
 * A Chinese sentence with no English words left but the ones it quotes: setting ids,
 * "quoted values", /regexes/, addresses, `pid N (name)`, the few words Chinese writes as
 * English (TCP, JSON, Prometheus …) and whatever `allowed` removes first.
 */
export function assertChinese(sentence: string, allowed: RegExp[] = []): void {
  assert.match(sentence, /[\u4e00-\u9fff]/, sentence);
  const quoted = allowed.reduce((text, a) => text.replace(a, ''), sentence);
  const rest = quoted.replace(/chatroomMonitor\.[\w.]+/g, '').replace(/"[^"]*"|“[^”]*”|\/[^/\s]+\/|https?:\/\/\S+|\bpid \d+ \([^)]*\)/g, '');
  const english = rest.match(/\b[a-z]{3,}\b/gi) ?? [];
  assert.deepEqual(english.filter((w) => !/^(?:TCP|PID|MiB|URL|JSON|HTTP|Prometheus|job|instance|glob|true|false|localhost)$/i.test(w)), [], sentence);
}

/** What {@link englishLiterals} lets pass beside `l10n.t(…)`, imports and literal types. */
export interface EnglishLiteralsOptions {
  /** Errors thrown for the developer (`new Error('…')`): not a sentence a user reads. */
  readonly errorsForDevelopers?: boolean;
  /** The CLI's usage lines (`--store DIR …`), written as typed in every language. */
  readonly usageLines?: boolean;
  /** Literals that are not sentences for a reader (the product's name as a diagnostic source). */
  readonly notSentences?: ReadonlySet<string>;
}

/**
 * String and template literals of three or more English words outside `l10n.t(…)` in a
 * source file of the repository (path from its root), as `file:line: text`: a sentence
 * a user would read in English under zh-cn.
 */
export function englishLiterals(file: string, o: EnglishLiteralsOptions = {}): string[] {
  const root = path.resolve(__dirname, '../../../..');
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const exempt = (n: ts.Node): boolean => {
    for (let p = n.parent; p; p = p.parent) {
      if (ts.isCallExpression(p) && /(^|\.)l10n\.t$/.test(p.expression.getText(sf))) return true;
      if (o.errorsForDevelopers && ts.isNewExpression(p) && /Error$/.test(p.expression.getText(sf))) return true;
      if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isLiteralTypeNode(p)) return true;
    }
    return false;
  };
  const visit = (n: ts.Node): void => {
    const literal = ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? n.text : ts.isTemplateExpression(n) ? [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join('{}') : undefined;
    if (
      literal !== undefined &&
      !o.notSentences?.has(literal) &&
      !(o.usageLines && /(^| )--?([a-z]|$| )/.test(literal)) &&
      /[a-z]{3,} [a-z]{2,}/i.test(literal) &&
      (literal.match(/\b[a-z]{2,}\b/gi) ?? []).length >= 3 &&
      !exempt(n)
    ) {
      found.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${literal.slice(0, 80)}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}
