/**
 * The e2e checks' console-error filter (test/e2e/support/consoleErrors.ts): it lets
 * through only the workbench's own named noise, so a check fails on a real error
 * even when the error names nothing of the extension's.
 */
import * as assert from 'node:assert/strict';
import { realConsoleErrors, WORKBENCH_NOISE } from '../../e2e/support/consoleErrors';

describe('e2e console errors', () => {
  it('keeps every page error and console error that is not named workbench noise', () => {
    const real = [
      // What opening the preview of an untitled report logged (issue 22).
      "[error] Unable to resolve filesystem provider with relative file path 'untitled:Untitled-1': Error: Unable to resolve filesystem provider",
      "[pageerror] Cannot read properties of undefined (reading 'postMessage')",
      "[error] Refused to execute inline script because it violates the following Content Security Policy directive: \"script-src 'nonce-abc'\"",
      '[error] Failed to load resource: the server responded with a status of 404 (Not Found) (at http://127.0.0.1:40167/stable-x/static/out/vs/workbench/x.js)',
    ];
    const noise = [
      '[error] %c  ERR color: #f33 Timed out getting tasks from typescript',
      '[error] %c  ERR color: #f33 [lifecycle] Long running operations during shutdown are unsupported in the web (id: join.chatSessionStore)',
      "[error] %c  ERR color: #f33 Unable to write file 'vscode-log:/20261130T011350/window.log' (Error: IndexedDB database 'vscode-web-db' is closed.)",
    ];
    const other = ['[warning] something slow', '[log] report opened', '[info] Extension host started'];
    assert.deepEqual(realConsoleErrors([...noise, ...real, ...other]), real);
  });

  it('names why each kind of noise is not the extension\'s', () => {
    for (const n of WORKBENCH_NOISE) {
      assert.ok(n.why.length > 20, `${n.pattern}: no reason given`);
      assert.doesNotMatch(n.pattern.source, /chatroom|report|markdown|preview|webview/i, `${n.pattern} would hide the extension's own errors`);
    }
  });
});
