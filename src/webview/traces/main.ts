/**
 * Entry point of the Traces view page (bundled to dist/tracesPage.js): builds the
 * page, passes the host's messages to it, and says `ready`.
 */
import { TracesHostToPage, TracesPageToHost } from '../../shared/tracesProtocol';
import { adoptDisplayLanguage } from '../displayLanguage';
import { TracesPage } from './tracesPage';

declare function acquireVsCodeApi(): { postMessage(message: TracesPageToHost): void };

function start(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const api = acquireVsCodeApi();
  adoptDisplayLanguage();
  const page = new TracesPage(root, api);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data as Partial<TracesHostToPage> | null;
    if (!m || (m.type !== 'state' && m.type !== 'trace')) return;
    try {
      page.handle(m as TracesHostToPage);
    } catch (err) {
      console.error(`The Traces view could not show a "${m.type}" update: ${err instanceof Error ? err.message : String(err)}.`);
    }
  });
  api.postMessage({ type: 'ready' });
}

start();
