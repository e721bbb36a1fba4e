import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { startNode } from '../e2e/support/childProcesses';
import { examplesDir, startLoad } from './support/loadGenerator';
import { monitorApi, unusedPort, waitFor, withWorkspaceSettings } from './support/monitorApi';

/**
 * The errors scenario end to end in the real extension host: a copy of the example
 * server runs from inside the workspace (so its frames are the workspace's files),
 * logs JSON lines to a file the settings name; the load generator makes it throw.
 */
describe('logs: the errors scenario', function () {
  this.timeout(120_000);
  let server: ReturnType<typeof startNode> | undefined;
  let restore: (() => Promise<void>) | undefined;

  after(async () => {
    await restore?.();
    await server?.stop();
  });

  it('gives one error group with the load generator\'s count, a Problems entry at the TypeScript line, and a notification', async () => {
    const api = await monitorApi();
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const dir = path.join(ws, 'chat-server-copy');
    fs.rmSync(dir, { recursive: true, force: true });
    const src = path.join(examplesDir(), 'chat-server');
    fs.cpSync(src, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}node_modules`) });
    const logFile = path.join(dir, 'server.log');
    const repoModules = path.resolve(examplesDir(), '..', 'node_modules');
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_PATH: [path.join(src, 'node_modules'), repoModules].join(path.delimiter) };
    server = startNode(path.join(dir, 'server.js'), ['--port', '0', '--log-file', logFile], env);
    const port = Number(await waitFor('the copied chat server to listen', () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server!.output())?.[1], 20_000, () => server!.output()));
    restore = await withWorkspaceSettings({ 'logs.files': ['chat-server-copy/server.log'] });
    await waitFor('the log watcher', () => api.logsReport() !== undefined, 15_000);

    const load = startLoad({ port, scenario: 'errors', users: 2, rate: 2, durationS: 4 });
    await new Promise<void>((r) => load.child.once('exit', () => r()));
    const sent = Number(/sent (\d+)/.exec(load.output())?.[1]);
    assert.ok(sent > 0, `the load generator sent nothing:\n${load.output()}`);

    const group = await waitFor(`one error group of ${sent}`, () => {
      const g = api.logsReport()?.errorGroups;
      return g && g.length === 1 && g[0]!.count === sent ? g[0] : undefined;
    }, 20_000, () => JSON.stringify(api.logsReport()?.errorGroups.map((g) => [g.type, g.count])));
    assert.strictEqual(group.type, 'TypeError');
    const top = group.frames[0]!;
    assert.deepStrictEqual({ file: top.file, line: top.line, inWorkspace: top.inWorkspace }, { file: 'chat-server-copy/src/mentions.ts', line: 21, inWorkspace: true });

    api.refreshProblems();
    const tsUri = vscode.Uri.file(path.join(dir, 'src', 'mentions.ts'));
    const diags = await waitFor('a Problems entry in mentions.ts', () => {
      const d = vscode.languages.getDiagnostics(tsUri).filter((x) => x.source === 'Chat-Room Monitor');
      return d.length > 0 ? d : undefined;
    }, 10_000);
    assert.strictEqual(diags[0]!.range.start.line, 20, 'line 21, zero-based 20');
    assert.match(diags[0]!.message, /TypeError: Cannot read properties of undefined \(reading 'user'\)/);
    assert.ok(api.logLines().some((l) => /New error in the server logs: TypeError/.test(l)), 'the new group is announced in the log');
    // The notification goes through the storm guard: shown, or held because 3 were shown in the last minute.
    const shown = api.notifications();
    const announced = shown.some((n) => /New error in the server logs/.test(n.text));
    const lastMinute = shown.filter((n) => n.atMs > Date.now() - 60_000).length;
    assert.ok(announced || lastMinute >= 3, JSON.stringify(shown));

    await vscode.commands.executeCommand('chatroomMonitor.dismissRuntimeErrors');
    assert.strictEqual(vscode.languages.getDiagnostics(tsUri).filter((x) => x.source === 'Chat-Room Monitor').length, 0, 'dismissed entries are cleared');
  });

  it('reads the supervised server\'s stdout into the same pipeline: its errors group like a file\'s', async () => {
    const api = await monitorApi();
    await restore?.();
    restore = undefined;
    await waitFor('no log file followed', () => api.logsReport() === undefined, 15_000);
    const port = await unusedPort();
    const restoreServer = await withWorkspaceSettings({
      'server.command': process.execPath,
      'server.args': [path.join(examplesDir(), 'chat-server', 'server.js'), '--port', String(port)],
      'server.env': { ELECTRON_RUN_AS_NODE: '1', NODE_PATH: path.join(examplesDir(), 'chat-server', 'node_modules') },
      'target.port': port,
    });
    try {
      await vscode.commands.executeCommand('chatroomMonitor.startServer');
      // The server's first stdout line starts the log pipeline without any log file set.
      await waitFor('the pipeline reading the server\'s output', () => (api.logsReport()?.lines ?? 0) > 0, 30_000, () => JSON.stringify(api.logsReport()));
      const load = startLoad({ port, scenario: 'errors', users: 2, rate: 2, durationS: 3 });
      await new Promise<void>((r) => load.child.once('exit', () => r()));
      const sent = Number(/sent (\d+)/.exec(load.output())?.[1]);
      assert.ok(sent > 0, `the load generator sent nothing:\n${load.output()}`);
      const group = await waitFor(`a TypeError group of ${sent} from stdout`, () => api.logsReport()?.errorGroups.find((g) => g.type === 'TypeError' && g.count === sent), 20_000, () => JSON.stringify(api.logsReport()?.errorGroups.map((g) => [g.type, g.count])));
      assert.match(group.frames[0]!.file, /mentions\.ts$/, 'the stdout stack maps through the source map like a file\'s');
    } finally {
      await vscode.commands.executeCommand('chatroomMonitor.stopServer');
      await restoreServer();
    }
  });
});
