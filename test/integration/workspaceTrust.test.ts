import * as assert from 'assert';
import * as http from 'http';
import * as vscode from 'vscode';
import { monitorApi, nextSnapshots, waitFor, withWorkspaceSettings } from './support/monitorApi';

/** A loopback /metrics endpoint that counts how often it is scraped. */
async function countingEndpoint(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end('# TYPE chat_trust_probe gauge\nchat_trust_probe 1\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/metrics`, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

async function scrapesWith(url: string): Promise<void> {
  const api = await monitorApi();
  const restore = await withWorkspaceSettings({ 'metrics.url': url });
  try {
    await nextSnapshots(api, 3);
  } finally {
    await restore();
  }
}

// The harness runs this file twice: in a trusted workspace (workspace trust disabled),
// and in Restricted Mode where only the "[untrusted]" tests run.
describe('workspace trust and chatroomMonitor.metrics.url', () => {
  it('scrapes the metrics URL from the workspace settings when the workspace is trusted', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, true);
    const probe = await countingEndpoint();
    try {
      await scrapesWith(probe.url);
      assert.ok(probe.hits() > 0, 'the workspace metrics URL was never scraped');
    } finally {
      await probe.close();
    }
  });

  it('[untrusted] ignores the metrics URL from workspace settings but still watches the process', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the harness should have opened this workspace in Restricted Mode');
    const api = await monitorApi();
    await waitFor('the server to be watched (a local process is fine in Restricted Mode)', () => api.targetState().kind === 'running', 15000, () => JSON.stringify(api.targetState()));
    const probe = await countingEndpoint();
    try {
      await scrapesWith(probe.url);
      assert.strictEqual(probe.hits(), 0, `an untrusted workspace setting made the monitor scrape ${probe.url}`);
    } finally {
      await probe.close();
    }
  });
});
