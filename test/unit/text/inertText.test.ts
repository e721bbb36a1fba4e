import * as assert from 'node:assert/strict';
import { compileTemplate, renderTemplate, TemplateVariable } from '../../../src/core/alerts/template';
import {
  INERT_LIMITS,
  inertLogText,
  inertMarkdownCode,
  inertMarkdownText,
  inertNotificationText,
  inertQuickPickText,
  inertStatusBarText,
  inertTemplateValue,
  visibleText,
} from '../../../src/core/text/inertText';
import { HOSTILE_CORPUS } from './hostileCorpus';
import { foreignTags, hoverHtml, htmlText, iconCount, iconLabelText, liveElements, notificationLinkCount, previewHtml, read } from './renderers';

const show = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 60) + '…' : s);

describe('inert text', () => {
  describe('visibleText', () => {
    it('names bidi, zero-width and control characters instead of hiding them', () => {
      assert.equal(visibleText('\u202Egnp.exe'), '⟨U+202E⟩gnp.exe');
      assert.equal(visibleText('a\u200Db\u200Bc\uFEFF'), 'a⟨U+200D⟩b⟨U+200B⟩c⟨U+FEFF⟩');
      assert.equal(visibleText('nul\u0000esc\u001B[31m\u007F'), 'nul⟨U+0000⟩esc⟨U+001B⟩[31m⟨U+007F⟩');
      assert.equal(visibleText('tag\u{E0041}'), 'tag⟨U+E0041⟩');
    });

    it('shows line breaks as ⏎ so every value is one line', () => {
      assert.equal(visibleText('a\nb\r\nc\rd\u2028e'), 'a⏎b⏎c⏎d⏎e');
    });

    it('names invalid surrogate halves and keeps valid pairs', () => {
      assert.equal(visibleText('x\uD800y\uDC00z'), 'x⟨U+D800⟩y⟨U+DC00⟩z');
      assert.equal(visibleText('ok \uD83D\uDE00'), 'ok \uD83D\uDE00');
      assert.equal(visibleText('end\uD83D'), 'end⟨U+D83D⟩');
    });

    it('cuts long text with an ellipsis and states the full length', () => {
      const s = visibleText('x'.repeat(5000), 100);
      assert.ok(s.length <= 100);
      assert.match(s, /^x+… \(5000 characters\)$/);
      assert.equal(visibleText('abcdef', 4, false), 'abc…');
      // Never half a pair or half a name.
      assert.doesNotMatch(visibleText('\uD83D\uDE00'.repeat(50), 30), /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      assert.doesNotMatch(visibleText('\u202E'.repeat(50), 40), /⟨[^⟩]*…/);
    });

    it('is idempotent for the same cap', () => {
      for (const s of HOSTILE_CORPUS) {
        const once = visibleText(s, 200);
        assert.equal(visibleText(once, 200), once, show(s));
      }
    });

    it('shows non-strings through String()', () => {
      assert.equal(visibleText(undefined), '');
      assert.equal(visibleText(42), '42');
    });
  });

  describe('every surface, the hostile corpus', () => {
    for (const s of HOSTILE_CORPUS) {
      it(`${show(s)}`, () => {
        const seen = visibleText(s, INERT_LIMITS.notification);

        const note = inertNotificationText(s);
        assert.equal(notificationLinkCount(note), 0, 'notification: no link');
        assert.equal(iconCount(note), 0, 'notification: no icon');
        assert.equal(read(note), seen, 'notification: reads as the original');

        const bar = inertStatusBarText(s);
        assert.equal(iconCount(bar), 0, 'status bar: no icon');
        assert.ok(bar.length <= INERT_LIMITS.statusBar + 8, 'status bar: short');
        assert.equal(read(iconLabelText(bar)), visibleText(s, INERT_LIMITS.statusBar, false), 'status bar: reads as the original');

        const pick = inertQuickPickText(s);
        assert.equal(iconCount(pick), 0, 'quick pick: no icon');
        assert.equal(read(iconLabelText(pick)), visibleText(s, INERT_LIMITS.quickPick), 'quick pick: reads as the original');

        const log = inertLogText(s);
        // eslint-disable-next-line no-control-regex -- looking for exactly these
        assert.doesNotMatch(log, /[\n\r\u2028\u2029\u0000-\u001F]/, 'log: one line, no control');
        assert.equal(log, visibleText(s, INERT_LIMITS.log));

        const text = inertMarkdownText(s);
        const code = inertMarkdownCode(s);
        const mdSeen = visibleText(s, INERT_LIMITS.markdown);
        const codeSeen = visibleText(s, INERT_LIMITS.code);
        for (const [name, render] of [
          ['tooltip', (m: string) => hoverHtml(m)],
          ['preview', previewHtml],
        ] as const) {
          const th = render(`Room ${text} is busy`);
          assert.deepEqual(liveElements(th), [], `${name} text: no link, image, script or icon`);
          assert.deepEqual(foreignTags(th), [], `${name} text: no HTML but a paragraph`);
          assert.equal(read(htmlText(th)), `Room ${mdSeen} is busy`, `${name} text: reads as the original`);

          const ch = render(`cmd: ${code}`);
          assert.deepEqual(liveElements(ch), [], `${name} code: nothing live`);
          assert.deepEqual(foreignTags(ch), [], `${name} code: only a code span`);
          // An empty or blank value is a code span holding one space.
          assert.equal(read(htmlText(ch)), `cmd: ${s.trim() === '' ? ' ' : codeSeen}`, `${name} code: reads as the original, no backslash added`);

          // In a table: one row of exactly two cells, each reading as the original.
          const table = render(`| a | b |\n|---|---|\n| ${text} | ${inertMarkdownCode(s, INERT_LIMITS.code, true)} |\n`);
          assert.deepEqual(liveElements(table), [], `${name} table: nothing live`);
          assert.deepEqual(foreignTags(table, ['table', 'thead', 'tbody', 'tr', 'th', 'td', 'code']), [], `${name} table: only the table`);
          const cells = [...table.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => read(htmlText(m[1]!)).trim());
          assert.deepEqual(cells, [mdSeen.trim(), codeSeen.trim()], `${name} table: two cells that read as the original`);
        }
      });
    }
  });

  describe('alert templates', () => {
    const vars = Object.fromEntries(['value', 'threshold', 'unit', 'metric', 'for', 'level', 'op', 'id', 'limit', 'within'].map((k) => [k, `<${k}>`])) as Record<TemplateVariable, string>;
    const compiled = compileTemplate('Room {{labels.room}} is busy ({{value}})');
    if ('error' in compiled) throw new Error(compiled.error);

    it('substitutes inert values and never expands template syntax found in them', () => {
      for (const s of HOSTILE_CORPUS) {
        const out = renderTemplate(compiled.template, vars, { room: s });
        assert.equal(out, `Room ${inertTemplateValue(s)} is busy (<value>)`, show(s));
      }
      assert.equal(renderTemplate(compiled.template, vars, { room: '{{value}}' }), 'Room {{value}} is busy (<value>)');
      assert.equal(renderTemplate(compiled.template, vars, { room: '\u202Eevil\nsecond line' }), 'Room ⟨U+202E⟩evil⏎second line is busy (<value>)');
      assert.ok(renderTemplate(compiled.template, vars, { room: 'r'.repeat(5000) }).length < 200);
    });
  });
});
