/**
 * "Select Process to Watch" lists the listening processes with their port and
 * command line, the example chat server among the first, and accepting it keeps
 * the status bar watching that server. One definition for every display language
 * ({@link selectProcessCheck}): the words each one reads are its parameters.
 */
import type { E2eCheck } from '../support/check';
import { runCommand } from '../support/workbenchUi';

/** What the Select Process check reads in one display language. */
export interface SelectProcessWords {
  readonly name: string;
  readonly order: number;
  readonly locale?: string;
  /** A row's port ("port 34873"). */
  readonly port: (port: number) => string;
  /** The picker's title. */
  readonly title: string;
  /** The picker's hint (its placeholder). */
  readonly hint: string;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** The picker from the palette: its title and hint, the chat server with its command line below chat-server-like rows only; picking it keeps it watched. */
export function selectProcessCheck(w: SelectProcessWords): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 60000,
    async run(wb) {
      const port = wb.env.serverPort;
      try {
        await runCommand(wb, wb.commandLabel('chatroomMonitor.selectProcess'));
        // The picker replaces the palette; its rows carry "pid N · port P" and the command line.
        const picker = wb.page.locator('.quick-input-widget .monaco-list-row');
        const serverRow = picker.filter({ hasText: w.port(port) }).first();
        await serverRow.waitFor({ timeout: 20000 });
        const texts = (await picker.allInnerTexts()).map(oneLine);
        const index = texts.findIndex((t) => t.includes(w.port(port)));
        const title = oneLine(await wb.page.locator('.quick-input-widget .quick-input-title').innerText());
        const hint = (await wb.page.locator('.quick-input-widget input').getAttribute('placeholder')) ?? '';
        console.log(`    picker: "${title}", "${hint}"; rows: ${texts.slice(0, 4).map((t) => JSON.stringify(t.slice(0, 90))).join(', ')}`);
        if (!title.includes(w.title)) throw new Error(`the picker's title "${title}" lacks "${w.title}"`);
        if (hint !== w.hint) throw new Error(`the picker's hint is "${hint}", not "${w.hint}"`);
        if (!/chat-server|server\.js/.test(texts[index] ?? '')) {
          throw new Error(`the row for port ${port} does not show the server's command line: ${texts[index]}`);
        }
        // Chat-server-like ones first: every row above the server's is one too (other chat servers may run on this machine).
        const above = texts.slice(0, index).filter((t) => !/chat-server|server\.js/.test(t));
        if (above.length > 0) {
          throw new Error(`the chat server is row ${index + 1}, below rows that are not chat-server-like: ${above.map((t) => JSON.stringify(t.slice(0, 90))).join(', ')}`);
        }
        await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}select-process`);
        await serverRow.click();
        // Saved as the port: the status bar keeps showing the live server.
        await wb.statusBarItem(/\d+% · [\d.]+ MiB/).first().waitFor({ timeout: 15000 });
      } finally {
        await wb.closeQuickInput();
      }
    },
  };
}

export const checks: E2eCheck[] = [
  selectProcessCheck({
    name: 'Select Process to Watch lists the chat server with its port, chat-like ones first, and picking it keeps it watched',
    order: 35,
    port: (p) => `port ${p}`,
    title: 'Select Process to Watch',
    hint: 'Pick the chat server (listening processes; chat-server-like ones first)',
  }),
];
