/**
 * Entry point of the Logs view page (bundled to dist/logsPage.js): builds the page,
 * passes the host's messages to it, and says `ready`.
 */
import { LogsHostToPage, LogsPageToHost } from '../../shared/logsProtocol';
import { adoptDisplayLanguage } from '../displayLanguage';
import { LogsPage } from './logsPage';

declare function acquireVsCodeApi(): { postMessage(message: LogsPageToHost): void };

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const api = acquireVsCodeApi();
  adoptDisplayLanguage();
  const page = new LogsPage(root, api);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data as Partial<LogsHostToPage> | null;
    if (!m || (m.type !== 'state' && m.type !== 'rows')) return;
    try {
      page.handle(m as LogsHostToPage);
    } catch (err) {
      console.error(`The Logs view could not show a "${m.type}" update: ${err instanceof Error ? err.message : String(err)}.`);
    }
  });
  api.postMessage({ type: 'ready' });
}

start();
