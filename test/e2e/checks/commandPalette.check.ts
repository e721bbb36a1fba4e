/**
 * The command palette lists every command the extension contributes, under its
 * category, in the window's display language. One definition for every display
 * language ({@link paletteCheck}): the category is its parameter; the titles come
 * from the manifest and its package.nls file.
 */
import type { E2eCheck } from '../support/check';

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** F1 with the category typed lists the monitor's commands, each a contributed title; every contributed command is found by its full label. */
export function paletteCheck(w: { readonly name: string; readonly order: number; readonly locale?: string; readonly category: string }): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 60000,
    async run(wb) {
      const commands = wb.contributedCommands();
      if (commands.length === 0) {
        throw new Error('package.json contributes no commands');
      }
      const labels = commands.map((c) => `${c.category ? `${c.category}: ` : ''}${c.title}`);
      try {
        const rows = await wb.commandPalette(w.category);
        await rows.first().waitFor({ timeout: 15000 });
        await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}command-palette`);
        const texts = (await rows.allInnerTexts()).map(oneLine).filter((t) => t.includes(w.category));
        console.log(`    palette: ${texts.length} rows under "${w.category}", e.g. ${texts.slice(0, 3).map((t) => JSON.stringify(t.slice(0, 60))).join(', ')}`);
        if (texts.length < 5) {
          throw new Error(`the palette lists ${texts.length} of the monitor's commands under "${w.category}": ${texts.join(' | ')}`);
        }
        const unknown = texts.filter((t) => !labels.some((l) => t.includes(l)));
        if (unknown.length > 0) {
          throw new Error(`rows that are not a contributed command's title in this language: ${unknown.join(' | ')}`);
        }
        // The list is virtualised (only visible rows are in the DOM), so look each
        // command up by its full label rather than scrolling one long list.
        const missing: string[] = [];
        for (const [i, c] of commands.entries()) {
          const found = await wb.commandPalette(labels[i]!);
          const row = found.filter({ hasText: c.title }).first();
          try {
            await row.waitFor({ timeout: 5000 });
            const text = oneLine(await row.innerText());
            if (c.category && !text.includes(c.category)) {
              missing.push(`${labels[i]} (listed without its category: "${text}")`);
            }
          } catch {
            missing.push(labels[i]!);
          }
        }
        if (missing.length > 0) {
          throw new Error(`not in the command palette: ${missing.join('; ')}`);
        }
        console.log(`    all ${commands.length} commands listed: ${commands.map((c) => c.title).join(', ')}`);
      } finally {
        await wb.closeQuickInput();
      }
    },
  };
}

export const checks: E2eCheck[] = [
  paletteCheck({ name: 'command palette (F1) lists every contributed command under "Chat-Room Monitor"', order: 30, category: 'Chat-Room Monitor' }),
];
