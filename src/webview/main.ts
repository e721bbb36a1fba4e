/**
 * Entry point of the dashboard page (bundled to dist/webview.js). Builds the page,
 * listens to the host, and says `ready` so the host sends its first `init`.
 */
import { checkHostToWebview, HostToWebview } from '../shared/protocol';
import { adoptDisplayLanguage } from './displayLanguage';
import { Dashboard } from './dashboard';
import { watchTheme } from './theme';
import { getVsCodeApi } from './vscodeApi';

function start(): void {
  const root = document.getElementById('app');
  if (!root) {
    return;
  }
  const api = getVsCodeApi();
  adoptDisplayLanguage();
  const dashboard = new Dashboard(root, api);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const problem = checkHostToWebview(event.data);
    if (problem) {
      console.warn(problem);
      return;
    }
    try {
      dashboard.handle(event.data as HostToWebview);
    } catch (err) {
      console.error(`The dashboard could not show a "${(event.data as HostToWebview).type}" update: ${err instanceof Error ? err.message : String(err)}.`);
    }
  });
  watchTheme(() => dashboard.onThemeChange());
  api.postMessage(dashboard.readyMessage());
}

start();
