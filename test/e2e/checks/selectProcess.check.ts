/**
 * "Select Process to Watch" lists the listening processes with their port and
 * command line, the example chat server among the first, and accepting it keeps
 * the status bar watching that server.
 */
import type { E2eCheck } from '../support/check';

export const checks: E2eCheck[] = [
  {
    name: 'Select Process to Watch lists the chat server with its port, chat-like ones first, and picking it keeps it watched',
    order: 35,
    timeoutMs: 60000,
    async run(wb) {
      const port = wb.env.serverPort;
      try {
        const rows = await wb.commandPalette('Chat-Room Monitor: Select Process to Watch');
        await rows.filter({ hasText: 'Select Process to Watch' }).first().click();
        // The picker replaces the palette; its rows carry "pid N · port P" and the command line.
        const picker = wb.page.locator('.quick-input-widget .monaco-list-row');
        const serverRow = picker.filter({ hasText: `port ${port}` }).first();
        await serverRow.waitFor({ timeout: 20000 });
        const texts = (await picker.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
        const index = texts.findIndex((t) => t.includes(`port ${port}`));
        console.log(`    picker rows: ${texts.slice(0, 4).map((t) => JSON.stringify(t.slice(0, 90))).join(', ')}`);
        if (!/chat-server|server\.js/.test(texts[index] ?? '')) {
          throw new Error(`the row for port ${port} does not show the server's command line: ${texts[index]}`);
        }
        if (index > 2) {
          throw new Error(`the chat server is row ${index + 1}; chat-server-like processes should come first`);
        }
        await wb.screenshot('select-process');
        await serverRow.click();
        // Saved as the port: the status bar keeps showing the live server.
        await wb.statusBarItem(/\d+% · [\d.]+ MiB/).first().waitFor({ timeout: 15000 });
      } finally {
        await wb.closeQuickInput();
      }
    },
  },
];
