import * as assert from 'assert';
import { Metric } from '../../src/core/model';
import { harnessEnv, monitorApi, nextSnapshots, waitFor } from './support/monitorApi';

/** `$(pulse) chat  12% · 148 MB` → { cpuPercent: 12, memoryMb: 148 } */
function parseStatus(text: string): { cpuPercent: number; memoryMb: number } | undefined {
  const m = /(\d+(?:\.\d+)?)\s*%\s*·\s*(\d+(?:\.\d+)?)\s*Mi?B/.exec(text);
  return m ? { cpuPercent: Number(m[1]), memoryMb: Number(m[2]) } : undefined;
}

describe('watching the example chat server the harness started', () => {
  it('finds the server by the port in the workspace settings', async () => {
    const api = await monitorApi();
    const port = Number(harnessEnv('CRM_TEST_SERVER_PORT'));
    const state = await waitFor('targetState() to be running', () => {
      const s = api.targetState();
      return s.kind === 'running' ? s : undefined;
    }, 15000, () => JSON.stringify(api.targetState()));
    // The pid is known when the harness started the server (not under F5, where a task did).
    const pid = process.env.CRM_TEST_SERVER_PID;
    if (pid) {
      assert.strictEqual(state.process.pid, Number(pid), `watching pid ${state.process.pid}, the harness started ${pid}`);
    } else {
      assert.ok(state.process.ports.includes(port), `watching pid ${state.process.pid} on ports ${state.process.ports.join(',')}, not ${port}`);
    }
  });

  it('shows CPU % and memory in MB in the status bar', async () => {
    const api = await monitorApi();
    const text = await waitFor('a status bar with CPU % and MB', () => (parseStatus(api.statusBar().text) ? api.statusBar().text : undefined), 15000, () => api.statusBar().text);
    assert.match(text, /^\$\(pulse\) /, 'status bar text does not start with the pulse icon');
    const v = parseStatus(text)!;
    assert.ok(v.cpuPercent >= 0 && v.cpuPercent <= 100 * 64, `CPU ${v.cpuPercent}% is not a plausible percentage`);
    // A Node chat server with ws + prom-client is tens of MB, not 0 and not gigabytes.
    assert.ok(v.memoryMb >= 10 && v.memoryMb < 2048, `memory ${v.memoryMb} MB is not plausible for the chat server`);
  });

  it('puts process CPU and the scraped chat_* series in its snapshots', async () => {
    const api = await monitorApi();
    const snaps = await nextSnapshots(api, 2);
    const last = snaps[snaps.length - 1]!;
    const names = new Set(last.samples.map((s) => s.name));
    assert.ok(names.has(Metric.processCpuPercent), `no ${Metric.processCpuPercent} in ${[...names].join(', ')}`);
    assert.ok(names.has(Metric.processRssBytes), `no ${Metric.processRssBytes} in ${[...names].join(', ')}`);
    const chat = [...names].filter((n) => n.startsWith('chat_'));
    assert.ok(chat.length > 0, `no chat_* series scraped from ${harnessEnv('CRM_TEST_METRICS_URL')}; got ${[...names].join(', ')}`);
    assert.deepStrictEqual(last.problems, [], `problems while everything is configured right: ${JSON.stringify(last.problems)}`);
  });
});
