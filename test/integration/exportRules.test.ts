import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { monitorApi, withWorkspaceSettings } from './support/monitorApi';

const PROMTOOL = '/usr/bin/promtool';

function promtool(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(PROMTOOL, args, { timeout: 20000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

describe('Export alert rules for Prometheus', () => {
  it('writes a rules file to the given URI that promtool accepts, with the built-in and the user\'s rules', async function () {
    this.timeout(30000);
    assert.ok(fs.existsSync(PROMTOOL), `${PROMTOOL} is missing: install the prometheus package to run this test`);
    await monitorApi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-export-'));
    const file = path.join(dir, 'chatroom-monitor.rules.yml');
    // A user rule with a label regex and hysteresis: the parts most likely to export wrong.
    const restore = await withWorkspaceSettings({
      'alerts.rules': [
        { id: 'process-cpu-warning', threshold: 30, for: '5s' },
        { id: 'general-room-busy', metric: 'chat_messages_per_second', labels: { room: '=~gen.*' }, op: '>', threshold: 50, clearThreshold: 40, level: 'warning' },
      ],
    });
    try {
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('chatroomMonitor.exportPrometheusRules', vscode.Uri.file(file));
      assert.ok(uri, 'exportPrometheusRules returned no URI');
      assert.strictEqual(uri.fsPath, file);
      assert.ok(fs.existsSync(file), `${file} was not written`);
      const yaml = fs.readFileSync(file, 'utf8');
      for (const name of ['ProcessCpuWarning', 'ProcessCpuCritical', 'TargetDown', 'GeneralRoomBusy']) {
        assert.ok(yaml.includes(name), `the export has no alert ${name}`);
      }
      // The process CPU % is exported as a rate of process_cpu_seconds_total × 100.
      assert.match(yaml, /process_cpu_seconds_total[^\n]*\) > 30 /, 'the overridden threshold 30 is not in the export');
      const check = await promtool(['check', 'rules', file]);
      assert.strictEqual(check.code, 0, `promtool check rules failed:\n${check.output}`);
      assert.match(check.output, /SUCCESS/);
    } finally {
      await restore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
