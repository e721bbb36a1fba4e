/**
 * The Traces view through the real workbench: a copy of the example chat server runs
 * from inside the workspace, traced by the real OpenTelemetry SDK and exporting to
 * the extension's OTLP receiver (the harness sets chatroomMonitor.traces.port); the
 * load generator makes the database slow. Show Traces draws the waterfall of the
 * slowest trace with the database span on the critical path, and the server span's
 * source link opens server.js at tracedChat's line.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { E2eCheck } from '../support/check';
import { startNode } from '../support/childProcesses';
import { clearNotifications, dashboardFrame, runCommand, waitUntil } from '../support/workbenchUi';


function runToEnd(script: string, args: string[]): Promise<string> {
  const p = startNode(script, args, { ...process.env });
  return new Promise((resolve) => p.child.once('exit', () => resolve(p.output())));
}

export const checks: E2eCheck[] = [
  {
    name: 'Show Traces: the waterfall of a slow trace with the database on the critical path; the span\'s source link opens the line',
    order: 60,
    timeoutMs: 180000, // 120 s ran out at load 20 during the chart step (session 27); the steps have their own deadlines
    async run(wb) {
      const otlpPort = Number(process.env.CRM_E2E_OTLP_PORT);
      if (!(otlpPort > 0)) throw new Error('CRM_E2E_OTLP_PORT is not set: run the e2e level through scripts/e2e.mjs, which gives the receiver its port.');
      const src = path.join(wb.env.examplesDir, 'chat-server');
      const dir = path.join(wb.env.folder, 'traced-chat');
      fs.rmSync(dir, { recursive: true, force: true });
      fs.cpSync(src, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}node_modules`) });
      const env = { ...process.env, NODE_PATH: [path.join(src, 'node_modules'), path.resolve(wb.env.examplesDir, '..', 'node_modules')].join(path.delimiter) };
      const server = startNode(path.join(dir, 'server.js'), ['--port', '0', '--log-file', '/dev/null', '--otlp-endpoint', `http://127.0.0.1:${otlpPort}`], env);
      try {
        let port = 0;
        await waitUntil(wb, 'the traced chat server to listen', async () => {
          port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.output())?.[1] ?? 0);
          return port > 0;
        }, 20000, async () => server.output());
        const load = path.join(wb.env.examplesDir, 'load', 'load.js');
        await runToEnd(load, ['--url', `ws://127.0.0.1:${port}`, '--scenario', 'steady', '--users', '4', '--rate', '2', '--duration', '3s']);
        const slow = await runToEnd(load, ['--url', `ws://127.0.0.1:${port}`, '--scenario', 'slow-db', '--rate', '1', '--latency-ms', '80', '--duration', '3s']);
        console.log(`    load: ${slow.trim().split('\n').at(-1)?.slice(0, 120)}`);

        const slowEndMs = Date.now();

        await runCommand(wb, 'View: Close All Editors');
        await runCommand(wb, 'Chat-Room Monitor: Show Traces');
        await wb.page.locator('.tabs-container .tab', { hasText: 'Traces' }).first().waitFor({ timeout: 15000 });
        const frame = dashboardFrame(wb);
        const rows = frame.locator('.span-row');
        await waitUntil(wb, 'a slow trace whose database span is on the critical path', async () => (await frame.locator('.span-row[data-category="db"][data-critical="true"]').count()) > 0, 30000, async () => (await frame.locator('main').innerText({ timeout: 1000 })).replace(/\s+/g, ' ').slice(0, 400));
        const ops = (await frame.locator('table.ops tbody').innerText()).replace(/\s+/g, ' ');
        if (!/chat message/.test(ops) || !/db\.query INSERT messages/.test(ops) || !/POST \/moderate/.test(ops)) throw new Error(`the Operations table lacks the example's operations: ${ops.slice(0, 300)}`);
        const head = (await frame.locator('.trace-head').innerText()).replace(/\s+/g, ' ');
        const dbTime = (await frame.locator('.span-row[data-category="db"] .span-time').first().innerText()).replace(/\s+/g, ' ');
        console.log(`    trace: ${head.slice(0, 120)}; ${await rows.count()} spans; database span ${dbTime}`);
        if (!/^chat message/.test(head)) throw new Error(`the slowest trace is not a chat message: ${head}`);
        // The moderation service's server span is in the same trace (context crossed the HTTP call).
        const services = (await frame.locator('.span-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
        if (!services.some((t) => /POST \/moderate moderation/.test(t))) throw new Error(`the moderation span is not in the slow trace: ${services.join(' | ')}`);
        await frame.locator('.span-row[data-category="db"]').first().click();
        await clearNotifications(wb); // code-server's "application on port N is available" toast would cover the detail pane
        await wb.screenshot('traces-waterfall');

        // The server span says where it was made (code.filepath / code.lineno): its link opens the line.
        const line = fs.readFileSync(path.join(dir, 'server.js'), 'utf8').split('\n').findIndex((l) => /^\s*function tracedChat\(/.test(l)) + 1;
        await frame.locator('.span-row[data-index="0"] button.open-source').click();
        const tab = wb.page.locator('.tabs-container .tab.active', { hasText: 'server.js' });
        // A deadline, not a speed check: at load 12-17 the editor took longer than 15 s to show the tab.
        await tab.first().waitFor({ timeout: 45000 });
        const cursor = wb.page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
        await waitUntil(wb, `the cursor on line ${line}`, async () => new RegExp(`Ln ${line},`).test(await cursor.innerText({ timeout: 1000 })), 10000, () => cursor.innerText({ timeout: 1000 }));
        console.log(`    opened traced-chat/server.js at line ${line}`);
        await wb.screenshot('traces-open-source');

        // From a spike on a dashboard chart to the slowest traces of that moment: the server CPU
        // chart's point 2 s after the slow load (a point a second: End, then one ArrowLeft a second
        // since), picked with Enter on the focused chart, opens the Traces view narrowed to it.
        await runCommand(wb, 'View: Close All Editors');
        await runCommand(wb, 'Chat-Room Monitor: Open Dashboard');
        await wb.page.locator('.tabs-container .tab', { hasText: 'Chat-Room Monitor' }).first().waitFor({ timeout: 15000 });
        const chart = dashboardFrame(wb).locator('figure.chart#chart-processCpu');
        await waitUntil(wb, 'the server CPU chart to hold points', async () => Number(await chart.getAttribute('data-points', { timeout: 1000 })) > 1, 20000, async () => String(await chart.getAttribute('data-points', { timeout: 1000 })));
        await chart.focus();
        await chart.press('End');
        const back = Math.max(0, Math.round((Date.now() - slowEndMs) / 1000) - 2);
        for (let i = 0; i < back; i++) await chart.press('ArrowLeft');
        await chart.press('Enter');
        await wb.page.locator('.tabs-container .tab', { hasText: 'Traces' }).first().waitFor({ timeout: 15000 });
        let banner = '';
        await waitUntil(wb, 'the Traces view narrowed to the moment, with its slowest trace', async () => {
          for (const f of wb.page.frames()) {
            const b = f.locator('.window-banner:not([hidden])');
            if ((await b.count()) > 0 && (await f.locator('.span-row').count()) > 0) {
              banner = (await b.innerText({ timeout: 1000 })).replace(/\s+/g, ' ');
              return true;
            }
          }
          return false;
        }, 30000, async () => banner);
        console.log(`    from the chart: ${banner}`);
        if (!/^Traces of the moment picked on the dashboard chart: \d\d:\d\d:\d\d to \d\d:\d\d:\d\d\./.test(banner)) throw new Error(`the Traces view does not say which moment it shows: ${banner}`);
        await clearNotifications(wb);
        await wb.screenshot('traces-from-chart');

        await runCommand(wb, 'View: Close All Editors');
      } finally {
        await server.stop();
      }
    },
  },
];
