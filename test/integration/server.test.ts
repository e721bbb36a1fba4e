/**
 * Start / Stop / Restart Server, automated actions and undo, inside a real VS Code
 * extension host: the extension starts the example chat server itself.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { examplesDir, startLoad } from './support/loadGenerator';
import { monitorApi, unusedPort, waitFor, withWorkspaceSettings } from './support/monitorApi';

interface ServerApi {
  state(): string;
  pid(): number | undefined;
  watchedPid(): number | undefined;
  tree(): Promise<{ pid: number; ppid: number; command: string }[]>;
  audit(): readonly { action: string; result: string; mode?: string; trigger: { kind: string; ruleId?: string; evidence?: Record<string, unknown> }; undo?: unknown; undoes?: string; params?: unknown }[];
  messages(): readonly string[];
  offers(): readonly { text: string; items: readonly string[] }[];
}

async function serverApi(): Promise<ServerApi> {
  return ((await monitorApi()) as unknown as { server: ServerApi }).server;
}

/** Like waitFor, for an async probe. */
async function waitForAsync(what: string, probe: () => Promise<boolean>, timeoutMs: number, last: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The example server's settings on a free port; restores the previous settings. */
async function exampleServerSettings(extra: Record<string, unknown> = {}): Promise<{ port: number; restore: () => Promise<void> }> {
  const port = await unusedPort();
  const restore = await withWorkspaceSettings({
    'server.command': process.execPath,
    'server.args': [path.join(examplesDir(), 'chat-server', 'server.js'), '--port', String(port)],
    'server.env': { ELECTRON_RUN_AS_NODE: '1' },
    'target.port': port,
    'metrics.url': `http://127.0.0.1:${port}/metrics`,
    ...extra,
  });
  return { port, restore };
}

describe('the server the monitor starts', function () {
  this.timeout(90_000);
  const seen = new Set<number>();

  afterEach(async () => {
    const api = await serverApi();
    await vscode.commands.executeCommand('chatroomMonitor.stopServer');
    await waitFor('the server to be stopped', () => api.state() !== 'running' && api.state() !== 'stopping', 15_000, () => api.state());
    await waitFor('no orphan process (by PID)', () => [...seen].every((p) => !isRunning(p)), 10_000, () => [...seen].filter(isRunning).join(','));
    seen.clear();
  });

  async function remember(api: ServerApi): Promise<void> {
    for (const p of await api.tree()) {
      seen.add(p.pid);
    }
  }

  it('Start Server runs the command from the settings, watches it, and Stop Server stops it', async () => {
    const api = await serverApi();
    const monitor = await monitorApi();
    const { port, restore } = await exampleServerSettings();
    try {
      await vscode.commands.executeCommand('chatroomMonitor.startServer');
      const pid = await waitFor('the server to run', () => api.pid(), 15_000, () => api.state());
      seen.add(pid);
      await waitFor('the monitor to watch the started server', () => {
        const s = monitor.targetState();
        return s.kind === 'running' && s.process.ports.includes(port) ? s : undefined;
      }, 20_000, () => JSON.stringify(monitor.targetState()));
      await vscode.commands.executeCommand('chatroomMonitor.stopServer');
      await waitFor('the server to stop', () => !isRunning(pid), 10_000);
      assert.strictEqual(api.state(), 'stopped');
      await new Promise((r) => setTimeout(r, 1000));
      assert.strictEqual(api.state(), 'stopped', 'a server the user stopped stays stopped');
      const actions = api.audit().map((e) => e.action);
      assert.ok(actions.includes('start') && actions.includes('stop'), actions.join(','));
    } finally {
      await restore();
    }
  });

  it('scale 1 → 2 shows both workers in the watched tree, and Undo returns to 1', async () => {
    const api = await serverApi();
    const { restore } = await exampleServerSettings();
    try {
      await vscode.commands.executeCommand('chatroomMonitor.startServer');
      await waitFor('the server to run', () => api.pid(), 15_000);
      await remember(api);
      await vscode.commands.executeCommand('chatroomMonitor.scaleServer', 2);
      let tree: Awaited<ReturnType<ServerApi['tree']>> = [];
      await waitForAsync('a primary and two workers in the tree', async () => {
        tree = await api.tree();
        return tree.length === 3;
      }, 30_000, () => JSON.stringify(tree));
      await remember(api);
      const [primary, ...workers] = tree;
      assert.ok(workers.every((w) => w.ppid === primary!.pid), JSON.stringify(tree));
      const scale = api.audit().filter((e) => e.action === 'scale').at(-1)!;
      assert.deepStrictEqual(scale.params, { before: { workers: 1 }, after: { workers: 2 } });
      await vscode.commands.executeCommand('chatroomMonitor.undoLastAction');
      await waitForAsync('one process again', async () => {
        tree = await api.tree();
        return api.pid() !== primary!.pid && tree.length === 1;
      }, 30_000, () => JSON.stringify(tree));
      const undo = api.audit().filter((e) => e.action === 'undo').at(-1)!;
      assert.strictEqual(undo.result, 'ok');
      assert.deepStrictEqual(undo.params, { before: { workers: 2 }, after: { workers: 1 } });
      await remember(api);
    } finally {
      await restore();
    }
  });

  it('a memory rule with { do: "restart", mode: "auto" } restarts the leaking server once within its cooldown, audited with the evidence; no Undo is offered, since a restart cannot be undone', async () => {
    const api = await serverApi();
    const { port, restore } = await exampleServerSettings({
      'alerts.rules': [
        {
          id: 'leak-restart',
          metric: 'process_resident_memory_bytes',
          op: '>',
          threshold: 160 * 1024 * 1024,
          level: 'warning',
          actions: [{ do: 'restart', mode: 'auto', cooldown: '10m' }],
        },
      ],
    });
    await vscode.commands.executeCommand('chatroomMonitor.allowAutomaticActions', ['restart']);
    let load: ReturnType<typeof startLoad> | undefined;
    try {
      await vscode.commands.executeCommand('chatroomMonitor.startServer');
      const first = await waitFor('the server to run', () => api.pid(), 15_000);
      seen.add(first);
      await waitForAsync('the server to answer', async () => {
        try {
          await post(`http://127.0.0.1:${port}/control`, { leakBytes: 2_000_000 });
          return true;
        } catch {
          return false;
        }
      }, 20_000);
      load = startLoad({ port, scenario: 'leak', users: 10, rate: 2, durationS: 60 });
      await waitFor('an automatic restart', () => api.audit().find((e) => e.action === 'restart' && e.trigger.kind === 'rule'), 60_000, () => JSON.stringify(api.audit().slice(-3)));
      const restart = api.audit().find((e) => e.action === 'restart' && e.trigger.kind === 'rule')!;
      assert.strictEqual(restart.result, 'ok');
      assert.strictEqual(restart.mode, 'auto');
      assert.strictEqual(restart.trigger.ruleId, 'leak-restart');
      assert.ok(Number(restart.trigger.evidence?.value) > 160 * 1024 * 1024, JSON.stringify(restart.trigger));
      assert.strictEqual(restart.trigger.evidence?.threshold, 160 * 1024 * 1024);
      const second = await waitFor('the restarted server', () => (api.pid() !== first ? api.pid() : undefined), 15_000);
      seen.add(second);
      // The leak goes on (the load re-applies nothing, so leak again by hand): the cooldown holds.
      await post(`http://127.0.0.1:${port}/control`, { leakBytes: 2_000_000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 8000));
      const autoRestarts = api.audit().filter((e) => e.action === 'restart' && e.trigger.kind === 'rule' && e.result === 'ok');
      assert.strictEqual(autoRestarts.length, 1, JSON.stringify(api.audit().filter((e) => e.trigger.kind === 'rule')));
      // A restart cannot be undone (README, "Audit and undo"): the entry has no undo record, the
      // notification says so and offers the audit log, not Undo, and Undo Last Action reverts nothing.
      assert.strictEqual(restart.undo, undefined, JSON.stringify(restart));
      const told = api.offers().filter((o) => /restart done automatically \(rule leak-restart\)/.test(o.text));
      assert.strictEqual(told.length, 1, api.messages().join(' | '));
      assert.match(told[0]!.text, /A restart cannot be undone: the process that ended cannot be brought back/);
      assert.deepStrictEqual(told[0]!.items, ['Show Audit Log']);
      const undosBefore = api.audit().filter((e) => e.action === 'undo').length;
      const shownBefore = api.messages().length;
      await vscode.commands.executeCommand('chatroomMonitor.undoLastAction');
      const saidNow = api.messages().slice(shownBefore);
      assert.ok(saidNow.some((m) => /^There is nothing to undo: restarts, profiles, tasks and command lines cannot be undone/.test(m)), saidNow.join(' | '));
      assert.strictEqual(api.audit().filter((e) => e.action === 'undo').length, undosBefore, 'Undo Last Action audited an undo');
      assert.strictEqual(api.pid(), second, 'Undo Last Action touched the server');
    } finally {
      await load?.stop();
      await vscode.commands.executeCommand('chatroomMonitor.allowAutomaticActions', []);
      await restore();
    }
  });
});

/** A rule that fires at once (any machine uses some memory) with one automatic `command` action writing `file`. */
function commandRule(id: string, file: string): Record<string, unknown> {
  return { id, metric: 'system_memory_usage_percent', op: '>', threshold: 0, level: 'info', actions: [{ do: 'command', mode: 'auto', command: `echo ran > '${file}'` }] };
}

describe('rule actions beyond restart and scale', function () {
  this.timeout(60_000);

  it('a rule with { do: "command", mode: "auto" } runs its command line once it fires, audited with the exit code and the evidence; no Undo is offered', async () => {
    const api = await serverApi();
    const file = path.join(os.tmpdir(), `crm-command-action-${process.pid}-${Date.now()}`);
    await vscode.commands.executeCommand('chatroomMonitor.allowAutomaticActions', ['command']);
    const restore = await withWorkspaceSettings({ 'alerts.rules': [commandRule('command-probe', file)] });
    try {
      const entry = await waitFor('the command action in the audit log', () => api.audit().find((e) => e.action === 'command' && e.trigger.ruleId === 'command-probe'), 30_000, () => JSON.stringify(api.audit().slice(-3)));
      assert.strictEqual(entry.result, 'ok', JSON.stringify(entry));
      assert.strictEqual(entry.mode, 'auto');
      assert.deepStrictEqual((entry.params as { after?: unknown }).after, { command: `echo ran > '${file}'`, exitCode: 0 });
      assert.ok(Number(entry.trigger.evidence?.value) > 0 && entry.trigger.evidence?.threshold === 0, JSON.stringify(entry.trigger));
      assert.strictEqual(fs.readFileSync(file, 'utf8'), 'ran\n', 'the command line ran in the workspace');
      assert.strictEqual(entry.undo, undefined);
      const told = await waitFor('the notification of the automatic command', () => api.offers().find((o) => /command done automatically \(rule command-probe\)/.test(o.text)), 5000, () => api.messages().join(' | '));
      assert.match(told.text, /It cannot be undone: the monitor cannot know what a task or a command line changed\.$/);
      assert.deepStrictEqual(told.items, ['Show Audit Log']);
    } finally {
      await restore();
      await vscode.commands.executeCommand('chatroomMonitor.allowAutomaticActions', []);
      fs.rmSync(file, { force: true });
    }
  });

  it('a rule with { do: "runTask", mode: "auto" } runs the tasks.json task it names once it fires, audited with the task and the evidence; no Undo is offered', async () => {
    const api = await serverApi();
    const file = path.join(os.tmpdir(), `crm-task-action-${process.pid}-${Date.now()}`);
    const label = 'crm-marker-task';
    const tasksJson = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode', 'tasks.json');
    fs.mkdirSync(path.dirname(tasksJson), { recursive: true });
    fs.writeFileSync(tasksJson, JSON.stringify({ version: '2.0.0', tasks: [{ label, type: 'shell', command: `echo ran > '${file}'`, problemMatcher: [], presentation: { reveal: 'never' } }] }, null, 2));
    await waitForAsync('VS Code to read the task from tasks.json', async () => (await vscode.tasks.fetchTasks()).some((t) => t.name === label), 20_000);
    await vscode.commands.executeCommand('chatroomMonitor.allowAutomaticActions', ['runTask']);
    const restore = await withWorkspaceSettings({
      'alerts.rules': [{ id: 'task-probe', metric: 'system_memory_usage_percent', op: '>', threshold: 0, level: 'info', actions: [{ do: 'runTask', mode: 'auto', task: label }] }],
    });
    try {
      const entry = await waitFor('the runTask action in the audit log', () => api.audit().find((e) => e.action === 'runTask' && e.trigger.ruleId === 'task-probe'), 30_000, () => JSON.stringify(api.audit().slice(-3)));
      assert.strictEqual(entry.result, 'ok', JSON.stringify(entry));
      assert.strictEqual(entry.mode, 'auto');
      assert.ok(JSON.stringify(entry.params).includes(label), `the audit does not name the task: ${JSON.stringify(entry.params)}`);
      assert.ok(Number(entry.trigger.evidence?.value) > 0 && entry.trigger.evidence?.threshold === 0, JSON.stringify(entry.trigger));
      await waitFor('the task to write its file', () => fs.existsSync(file) && fs.readFileSync(file, 'utf8') === 'ran\n', 20_000, () => String(fs.existsSync(file)));
      assert.strictEqual(entry.undo, undefined);
      const told = await waitFor('the notification of the automatic task', () => api.offers().find((o) => /runTask done automatically \(rule task-probe\)/.test(o.text)), 5000, () => api.messages().join(' | '));
      assert.match(told.text, /It cannot be undone: the monitor cannot know what a task or a command line changed\.$/);
      assert.deepStrictEqual(told.items, ['Show Audit Log']);
    } finally {
      await restore();
      await vscode.commands.executeCommand('chatroomMonitor.allowAutomaticActions', []);
      for (const t of vscode.window.terminals.filter((t) => t.name.includes(label))) {
        t.dispose();
      }
      fs.rmSync(tasksJson, { force: true });
      fs.rmSync(file, { force: true });
    }
  });

  it('[untrusted] the same rule\'s command action is refused with a sentence, audited, and nothing runs', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const api = await serverApi();
    const file = path.join(os.tmpdir(), `crm-command-refused-${process.pid}-${Date.now()}`);
    const restore = await withWorkspaceSettings({ 'alerts.rules': [commandRule('command-untrusted', file)] });
    try {
      const entry = await waitFor('the refused command action in the audit log', () => api.audit().find((e) => e.action === 'command' && e.trigger.ruleId === 'command-untrusted'), 30_000, () => JSON.stringify(api.audit().slice(-3)));
      assert.strictEqual(entry.result, 'refused', JSON.stringify(entry));
      const said = await waitFor('the refusal sentence', () => api.messages().find((m) => m.startsWith('The "command" action of rule command-untrusted is refused: ')), 5000, () => api.messages().join(' | '));
      assert.match(said, /is refused: This workspace is not trusted, so the monitor runs no action and starts no process from its settings; trust the workspace \(Manage Workspace Trust\) to allow them\.$/);
      await new Promise((r) => setTimeout(r, 1000));
      assert.strictEqual(fs.existsSync(file), false, 'the command ran in an untrusted workspace');
    } finally {
      await restore();
      fs.rmSync(file, { force: true });
    }
  });
});

describe('the server controller\'s notifications', () => {
  it('quote settings text inertly: a task name with a command link and an icon shows neither', async () => {
    const api = await serverApi();
    const hostile = '[Open Dashboard](command:workbench.action.terminal.new) $(zap)';
    const restore = await withWorkspaceSettings({ 'server.task': hostile });
    try {
      await vscode.commands.executeCommand('chatroomMonitor.startServer');
      const said = api.messages().at(-1) ?? '';
      assert.ok(said.includes('No task named'), said);
      // VS Code's notification link syntax and icon syntax; the text still reads the same once the invisible joiners are dropped.
      assert.ok(!/\[[^\]]+\]\((?:https?:\/\/|command:|file:)/.test(said), `a live link: ${said}`);
      assert.ok(!/\$\(/.test(said), `an icon: ${said}`);
      assert.ok(said.replace(/\u2060/g, '').includes(hostile), said);
    } finally {
      await restore();
    }
  });
});

describe('the server in Restricted Mode', () => {
  it('[untrusted] Start Server refuses with a sentence and starts nothing', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const api = await serverApi();
    await vscode.commands.executeCommand('chatroomMonitor.startServer');
    assert.strictEqual(api.pid(), undefined);
    assert.strictEqual(api.state(), 'idle');
    assert.ok(api.messages().some((m) => /Start Server is refused: This workspace is not trusted/.test(m)), api.messages().join(' | '));
  });
});
