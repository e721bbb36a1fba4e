/** The command palette lists every command the extension contributes, under its category. */
import type { E2eCheck } from '../support/check';

export const checks: E2eCheck[] = [
  {
    name: 'command palette (F1) lists every contributed command under "Chat-Room Monitor"',
    order: 30,
    timeoutMs: 60000,
    async run(wb) {
      const commands = wb.contributedCommands();
      if (commands.length === 0) {
        throw new Error('package.json contributes no commands');
      }
      try {
        const rows = await wb.commandPalette('Chat-Room Monitor');
        await rows.first().waitFor();
        await wb.screenshot('command-palette');
        // The list is virtualised (only visible rows are in the DOM), so look each
        // command up by its full label rather than scrolling one long list.
        const missing: string[] = [];
        for (const c of commands) {
          const label = `${c.category ? `${c.category}: ` : ''}${c.title}`;
          const found = await wb.commandPalette(label);
          const row = found.filter({ hasText: c.title }).first();
          try {
            await row.waitFor({ timeout: 5000 });
            const text = (await row.innerText()).replace(/\s+/g, ' ');
            if (c.category && !text.includes(c.category)) {
              missing.push(`${label} (listed without its category: "${text}")`);
            }
          } catch {
            missing.push(label);
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
  },
];
