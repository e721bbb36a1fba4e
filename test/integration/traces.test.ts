import * as assert from 'assert';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { momentWindow } from '../../src/core/traces/moment';
import { startNode } from '../e2e/support/childProcesses';
import { examplesDir, startLoad } from './support/loadGenerator';
import { monitorApi, waitFor, withWorkspaceSettings } from './support/monitorApi';

/**
 * The OTLP receiver in the real extension host: the example server, traced by the
 * real OpenTelemetry SDK, exports to the port the receiver listens on (the harness
 * sets chatroomMonitor.traces.port to 0: any free port); its spans reach the report.
 */
describe('traces: the OTLP receiver', function () {
  this.timeout(90_000);
  let server: ReturnType<typeof startNode> | undefined;
  /** The traced example server's port (the first test starts it). */
  let chatPort: number | undefined;

  after(async () => {
    await server?.stop();
  });

  it('receives the example server\'s spans; the report JSON has traces.operations; OTLP log records join the logs', async () => {
    const api = await monitorApi();
    const otlpPort = await waitFor('the OTLP receiver to listen', () => api.traces.port(), 20_000, () => `${api.traces.state()}: ${api.traces.message()}`);
    assert.match(api.traces.message(), new RegExp(`http://127\\.0\\.0\\.1:${otlpPort}`));
    assert.ok(api.logLines().some((l) => l.includes(`OTLP/HTTP) on http://127.0.0.1:${otlpPort}`)), 'the address is said in the output channel');

    const dir = path.join(examplesDir(), 'chat-server');
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    server = startNode(path.join(dir, 'server.js'), ['--port', '0', '--log-file', '/dev/null', '--otlp-endpoint', `http://127.0.0.1:${otlpPort}`], env);
    const port = Number(await waitFor('the traced chat server to listen', () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server!.output())?.[1], 20_000, () => server!.output()));
    chatPort = port;
    const load = startLoad({ port, scenario: 'steady', users: 4, rate: 2, durationS: 3 });
    await new Promise<void>((r) => load.child.once('exit', () => r()));
    const sent = Number(/sent (\d+)/.exec(load.output())?.[1]);
    assert.ok(sent > 0, `the load generator sent nothing:\n${load.output()}`);

    // The SDK's batch processor exports every 500 ms.
    const ops = await waitFor(`chat message spans for the ${sent} messages`, () => {
      const r = api.traces.report(0, Date.now());
      const chat = r?.operations.find((o) => o.name === 'chat message');
      return chat && chat.count >= sent ? r!.operations : undefined;
    }, 20_000, () => JSON.stringify(api.traces.report(0, Date.now())?.operations.map((o) => [o.service, o.name, o.count])));
    assert.strictEqual(ops.find((o) => o.name === 'chat message')?.kind, 'server');
    assert.strictEqual(ops.find((o) => o.name === 'POST')?.category, 'client', 'the HTTP client span of the moderation call');
    assert.strictEqual(ops.find((o) => o.name === 'db.query INSERT messages')?.category, 'db', 'the SQLite span');
    assert.ok(ops.some((o) => o.service === 'moderation' && o.kind === 'server'), 'the moderation service\'s own server span');

    // /v1/logs: an OTLP log record with an exception becomes an error group in the log pipeline.
    const logBody = {
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'chat-server' } }] },
        scopeLogs: [{ logRecords: [{ timeUnixNano: String(Date.now() * 1e6), severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'send failed' }, attributes: [{ key: 'exception.type', value: { stringValue: 'OtlpProbeError' } }, { key: 'exception.message', value: { stringValue: 'socket closed' } }] }] }],
      }],
    };
    const res = await fetch(`http://127.0.0.1:${otlpPort}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(logBody) });
    assert.strictEqual(res.status, 200);
    await waitFor('the OTLP log record as an error group', () => api.logsReport()?.errorGroups.some((g) => g.type === 'OtlpProbeError'), 10_000, () => JSON.stringify(api.logsReport()?.errorGroups.map((g) => g.type)));

    const report = (await vscode.commands.executeCommand('chatroomMonitor.showReport', '5m')) as { json: string } | undefined;
    assert.ok(report, 'Show Performance Report returned nothing');
    const json = JSON.parse(report.json) as { traces?: { operations: { service: string; name: string; count: number; errorRate: number; p50Ms: number; p95Ms: number; p99Ms: number }[] } };
    const chat = json.traces?.operations.find((o) => o.name === 'chat message');
    assert.ok(chat, `no chat message operation in traces.operations: ${JSON.stringify(json.traces?.operations)}`);
    assert.strictEqual(chat.service, 'chat-server');
    assert.ok(chat.count >= sent && chat.p95Ms > 0 && chat.p99Ms >= chat.p95Ms && chat.p95Ms >= chat.p50Ms, JSON.stringify(chat));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // Show Traces opens the view (its own bundle, loaded now).
    await vscode.commands.executeCommand('chatroomMonitor.showTraces');
    await waitFor('the Traces view to open', () => api.traces.viewOpen(), 10_000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a slow database is diagnosed in the report; a chart point\'s moment narrows the Traces view to the slowest traces then', async () => {
    const api = await monitorApi();
    assert.ok(chatPort, 'the first test did not start the traced server');
    // One user, 8 messages a second, 120 ms in the store: every chat message waits on the database.
    const t0 = Date.now();
    const load = startLoad({ port: chatPort, scenario: 'slow-db', users: 1, rate: 8, durationS: 5, extraArgs: ['--latency-ms', '120'] });
    await new Promise<void>((r) => load.child.once('exit', () => r()));
    const t1 = Date.now();
    const sent = Number(/sent (\d+)/.exec(load.output())?.[1]);
    assert.ok(sent >= 20, `the load generator sent ${sent} (the diagnosis needs 20 spans):\n${load.output()}`);
    await waitFor(`chat message spans for the ${sent} slow messages`, () => {
      const chat = api.traces.report(t0, Date.now())?.operations.find((o) => o.name === 'chat message');
      return chat && chat.count >= sent ? chat : undefined;
    }, 20_000, () => JSON.stringify(api.traces.report(t0, Date.now())?.operations.map((o) => [o.name, o.count])));

    // The report, inside the extension host: the diagnosis sentence and the analyzer issue made from it.
    const report = (await vscode.commands.executeCommand('chatroomMonitor.showReport', '5m')) as { json: string } | undefined;
    assert.ok(report, 'Show Performance Report returned nothing');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const json = JSON.parse(report.json) as { traces?: { diagnosis: string[] }; analysis: { issues: { id: string; summary: string }[] } };
    const said = json.traces?.diagnosis ?? [];
    // "rose from … to …" when the window's first third was the fast steady traffic; "is …" when not.
    // On a loaded machine the starved moderation call can take more time than the database: then
    // the database is named second (the sentence names the runner-up when the first is under half).
    const sentence = /^p95 of chat message (rose from [\d.,]+ ms to|is) [\d.,]+ ms; \d+% of the slow traces' time is in (db\.query INSERT messages \(database\)(, \d+% in .+)?|.+, \d+% in db\.query INSERT messages \(database\))$/;
    assert.ok(said.some((d) => sentence.test(d)), `no slow-database diagnosis: ${JSON.stringify(said)}`);
    const issue = json.analysis.issues.find((i) => i.id === 'trace-latency');
    assert.ok(issue && /db\.query INSERT messages \(database\)/.test(issue.summary), JSON.stringify(json.analysis.issues.map((i) => i.id)));

    // A point on a dashboard chart in the middle of the slow load: the extension opens the view on
    // its moment (momentWindow, as the dashboard's showTraces message does); the view's figures are of it.
    const window = momentWindow(Math.round((t0 + t1) / 2));
    await vscode.commands.executeCommand('chatroomMonitor.showTraces', window);
    await waitFor('the Traces view to open', () => api.traces.viewOpen(), 10_000);
    assert.deepStrictEqual(api.traces.viewWindow(), window);
    const moment = api.traces.report(window.fromMs, window.toMs)!;
    const slowest = moment.slowest[0];
    assert.ok(slowest && slowest.name === 'chat message' && slowest.durationMs >= 120, JSON.stringify(moment.slowest.map((t) => [t.name, t.durationMs])));
    for (const t of moment.slowest) {
      const start = Date.parse(t.startTime);
      assert.ok(start <= window.toMs && start + t.durationMs >= window.fromMs, `a trace outside the moment: ${t.startTime} ${t.durationMs} ms`);
    }
    // An exemplar picked on a chart (the dashboard's showTrace message): the view, on its moment, selects
    // that trace — here the third slowest, not the one the page would pick — and the page asks for its waterfall.
    const third = moment.slowest[2] ?? moment.slowest.at(-1)!;
    await vscode.commands.executeCommand('chatroomMonitor.showTraces', { ...window, traceId: third.traceId });
    await waitFor('the Traces view to show the exemplar\'s trace', () => api.traces.viewTrace()?.traceId === third.traceId, 10_000, () => JSON.stringify(api.traces.viewTrace()));
    assert.deepStrictEqual(api.traces.viewTrace(), { traceId: third.traceId, kept: true });
    assert.deepStrictEqual(api.traces.viewWindow(), window);
    // A trace the receiver no longer keeps: the page is told so (it says "That trace is no longer kept.").
    const gone = 'f'.repeat(32);
    await vscode.commands.executeCommand('chatroomMonitor.showTraces', { ...window, traceId: gone });
    await waitFor('the Traces view to be told the trace is gone', () => api.traces.viewTrace()?.traceId === gone, 10_000, () => JSON.stringify(api.traces.viewTrace()));
    assert.deepStrictEqual(api.traces.viewTrace(), { traceId: gone, kept: false });
    // Show Traces from the palette: everything kept again.
    await vscode.commands.executeCommand('chatroomMonitor.showTraces');
    assert.strictEqual(api.traces.viewWindow(), undefined);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('says in one sentence when the port is taken, and listens again once it is free', async () => {
    const api = await monitorApi();
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    const restore = await withWorkspaceSettings({ 'traces.port': port });
    try {
      await waitFor('the receiver to fail on the taken port', () => api.traces.state() === 'failed', 15_000, () => `${api.traces.state()}: ${api.traces.message()}`);
      assert.match(api.traces.message(), new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already taken \\(.*\\): set chatroomMonitor\\.traces\\.port to another port, or stop that program\\.$`));
      assert.ok(api.logLines().some((l) => l.includes(`Port ${port} on 127.0.0.1 is already taken`)), 'the sentence is in the output channel');
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
      await restore();
    }
    await waitFor('the receiver back on a free port', () => api.traces.port(), 15_000, () => `${api.traces.state()}: ${api.traces.message()}`);
  });

  it('[untrusted] the receiver is off in Restricted Mode, said in a sentence', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const api = await monitorApi();
    await waitFor('the receiver state', () => api.traces.state() !== 'starting', 10_000);
    assert.strictEqual(api.traces.state(), 'untrusted');
    assert.strictEqual(api.traces.port(), undefined);
    assert.match(api.traces.message(), /^The OTLP receiver is off in this untrusted workspace \(Restricted Mode\): trust the workspace to receive OpenTelemetry spans and logs on (127\.0\.0\.1:\d+|a free port of 127\.0\.0\.1)\.$/);
    assert.ok(api.logLines().some((l) => l.includes('The OTLP receiver is off in this untrusted workspace')));
  });
});
