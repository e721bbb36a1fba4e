/**
 * Which browser console lines count as errors in an e2e check: every `[error]` and
 * `[pageerror]` line, except the web workbench's own noise on this set-up, each named
 * here with why it is not the extension's. A check fails on anything else — the
 * report's preview of an untitled document ("Unable to resolve filesystem provider"),
 * a CSP violation, an exception in a webview — even when it names nothing of ours.
 */
export const WORKBENCH_NOISE: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /Timed out getting tasks from typescript/, why: "the TypeScript extension's task provider answers late on a loaded machine" },
  { pattern: /\[lifecycle\] Long running operations during shutdown are unsupported in the web/, why: "the web workbench's own shutdown participants, at a window reload" },
  { pattern: /IndexedDB database 'vscode-web-db' is closed/, why: 'the workbench writing its own log while the window reloads' },
  // The language pack's window asks the extension gallery for updates; this machine has no network.
  { pattern: /Failed to load resource: net::ERR_NAME_NOT_RESOLVED \(at https:\/\/[^/]+\/vscode\/gallery\/extensionquery\)/, why: "the workbench's extension gallery query, with no network" },
  { pattern: /ERR color: #f33 Failed: getaddrinfo ENOTFOUND /, why: "the workbench's log of the same gallery query failing" },
];

/** The error lines among `lines` (as Workbench.consoleLines holds them) that are not workbench noise. */
export function realConsoleErrors(lines: readonly string[]): string[] {
  return lines.filter((l) => (l.startsWith('[error]') || l.startsWith('[pageerror]')) && !WORKBENCH_NOISE.some((n) => n.pattern.test(l)));
}
