/**
 * The headless CLI over the same core as the extension:
 *   chatroom-monitor report --port 8080 --duration 60s [--json] [--fail-on warning|critical]
 * watches a server for the duration, then prints the report — for load tests in CI;
 *   chatroom-monitor run [--min-uptime 1s] [--max-restarts 10] [--audit FILE] [--report FILE] -- CMD ARGS…
 * supervises a command (see ./run.ts).
 * Exit codes: 0 ok, 1 the status reached --fail-on, 2 bad arguments or settings.
 */
import fs from 'node:fs';
import { compileAlertRules } from '../core/alerts/defaults';
import { parseConfig } from '../core/config';
import { Monitor } from '../core/monitor';
import { createMonitorDeps } from '../core/monitorDeps';
import { renderMarkdown } from '../core/report/markdown';
import { buildMonitorReport } from '../core/report/monitorReport';
import { renderJson } from '../core/report/reportData';
import { parseReportArgs, USAGE } from './args';
import { RUN_USAGE, runCommand } from './run';

const STATUS_RANK: Record<string, number> = { unknown: 0, healthy: 0, warning: 1, critical: 2 };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n${RUN_USAGE}`);
    return command ? 0 : 2;
  }
  if (command === 'run') {
    return runCommand(rest);
  }
  if (command !== 'report') {
    process.stderr.write(`chatroom-monitor: unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const parsed = parseReportArgs(rest);
  if (!parsed.ok) {
    process.stderr.write(`chatroom-monitor: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const a = parsed.args;
  const { config, problems } = parseConfig(
    {
      'target.port': a.port,
      'target.pid': a.pid,
      'target.commandPattern': a.pattern,
      'target.name': a.name,
      sampleIntervalMs: a.intervalMs,
      'metrics.url': a.metricsUrl,
      // Keep everything the run collects: the report covers the whole duration.
      'history.minutes': Math.min(1440, Math.ceil(a.durationMs / 60_000) + 1),
    },
    { allowRemoteMetrics: true },
  );
  if (problems.length > 0) {
    for (const p of problems) {
      process.stderr.write(`chatroom-monitor: ${p.message.replace(/chatroomMonitor\.\S+?:? /, '')}\n`);
    }
    return 2;
  }
  const say = (s: string) => !a.quiet && process.stderr.write(`chatroom-monitor: ${s}\n`);
  const monitor = new Monitor(createMonitorDeps({ diskPath: process.cwd() }));
  monitor.setAlertRules(compileAlertRules([], true).rules);
  monitor.onLog((e) => say(e.message));
  monitor.configure(config);

  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const startMs = Date.now();
  say(`watching for ${Math.round(a.durationMs / 1000)} s…`);
  monitor.start();
  while (!stopped && Date.now() - startMs < a.durationMs) {
    await new Promise((r) => setTimeout(r, Math.min(250, a.durationMs)));
  }
  await monitor.stop();

  const report = buildMonitorReport(monitor, Date.now() - startMs + a.intervalMs, Date.now());
  const text = a.json ? renderJson(report) : renderMarkdown(report);
  if (a.out) {
    fs.writeFileSync(a.out, text);
    say(`report written to ${a.out}`);
  } else {
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
  monitor.dispose();
  const status = report.analysis.status;
  say(`status: ${status}${report.analysis.reasons.length ? ` — ${report.analysis.reasons.join('; ')}` : ''}`);
  if (a.failOn && (STATUS_RANK[status] ?? 0) >= STATUS_RANK[a.failOn]!) {
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chatroom-monitor: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
