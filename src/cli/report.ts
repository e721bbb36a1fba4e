/**
 * `chatroom-monitor report`: watches a running chat server for a while, then prints
 * the performance report (Markdown, or the JSON contract with --json) — for load
 * tests in CI. Exit 1 when the status reaches --fail-on.
 */
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import { healthWord } from '../core/i18n/words';
import { compileAlertRules } from '../core/alerts/defaults';
import { parseConfig } from '../core/config';
import { oomSentence, readKernelOomKills } from '../core/logs/kernelLog';
import { LogWatcher } from '../core/logs/logWatcher';
import { TraceWatcher } from '../core/traces/traceWatcher';
import { Monitor } from '../core/monitor';
import { createMonitorDeps } from '../core/monitorDeps';
import { renderMarkdown } from '../core/report/markdown';
import { buildMonitorReport } from '../core/report/monitorReport';
import { gitState } from './git';
import { ReportData, renderJson } from '../core/report/reportData';
import { SETTINGS, SettingKey, settingId } from '../core/settings/settings';
import { checkWritableFile, duration, wholeNumber } from './args';
import { CliCommand, CliOption, CliIo, CliValues, PROGRAM, parseCommandArgs } from './command';
import { prometheusReport } from './promReport';

export interface ReportArgs {
  readonly port?: number;
  readonly pid?: number;
  readonly pattern?: string;
  readonly name?: string;
  readonly metricsUrl?: string;
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly json: boolean;
  readonly failOn?: 'warning' | 'critical';
  readonly out?: string;
  readonly quiet: boolean;
  /** Log files or globs to follow (`--log`, repeatable). */
  readonly logs: readonly string[];
  /** Receive OpenTelemetry spans and logs (OTLP/HTTP) on this loopback port during the watch. */
  readonly otlpPort?: number;
  /** Read the service from this Prometheus (`--prometheus URL --job NAME`) instead of a local process. */
  readonly prometheus?: { readonly url: string; readonly job: string; readonly instance?: string; readonly rateWindow?: string };
}

/** The flag that stands for each setting the report sets, so sentences name what the user typed. */
const FLAG_OF: Partial<Record<SettingKey, string>> = {
  'target.port': '--port',
  'target.pid': '--pid',
  'target.commandPattern': '--pattern',
  'target.name': '--name',
  'metrics.url': '--metrics-url',
  sampleIntervalMs: '--interval',
  'history.minutes': '--duration',
  'prometheus.url': '--prometheus',
  'prometheus.job': '--job',
  'prometheus.instance': '--instance',
  'prometheus.rateWindow': '--rate-window',
};

const MAX_DURATION_MS = SETTINGS['history.minutes'].maximum * 60_000;
// "unknown" (nothing could be measured) fails a build like a warning: no evidence is not a pass.
const STATUS_RANK: Record<string, number> = { unknown: 1, healthy: 0, warning: 1, critical: 2 };

export const reportCommand: CliCommand = {
  name: 'report',
  get summary() {
    return l10n.t('watch a running server for a while and print its performance report');
  },
  usage: '(--port N | --pid N | --pattern REGEX | --log FILE | --otlp-port N | --prometheus URL --job NAME) [options]',
  get description() {
    return l10n.t('Watches a running chat server for a while and prints a performance report. With --prometheus, reads the last --duration of every instance of the job from that Prometheus at once (query_range), with a section per instance; credentials from CHATROOM_MONITOR_PROMETHEUS_TOKEN (bearer) or CHATROOM_MONITOR_PROMETHEUS_BASIC (user:password).');
  },
  get options(): Readonly<Record<string, CliOption>> {
    return {
      port: { type: 'string', value: 'N', help: l10n.t('the server listens on TCP port N (its /metrics is scraped)') },
      pid: { type: 'string', value: 'N', help: l10n.t('watch this process id') },
      pattern: { type: 'string', value: 'REGEX', help: l10n.t('watch the process whose command line matches REGEX') },
      name: { type: 'string', value: 'NAME', help: l10n.t('name shown in the report') },
      'metrics-url': { type: 'string', value: 'URL', help: l10n.t('the server\'s Prometheus endpoint ("" turns scraping off)') },
      prometheus: { type: 'string', value: 'URL', help: l10n.t("read the server from this Prometheus' query API (base address, like http://127.0.0.1:9090)") },
      job: { type: 'string', value: 'NAME', help: l10n.t('with --prometheus: the job label of the chat server (every instance is read)') },
      instance: { type: 'string', value: 'REGEX', help: l10n.t('with --prometheus: only instances whose instance label matches REGEX') },
      'rate-window': { type: 'string', value: '1m', help: l10n.t('with --prometheus: the range of rate() (at least four scrape intervals)') },
      log: { type: 'string', value: 'FILE', multiple: true, help: l10n.t('follow this log file or glob like tail -F (repeatable): error groups, frames, line rates') },
      'otlp-port': { type: 'string', value: 'N', help: l10n.t('receive OpenTelemetry spans and logs (OTLP/HTTP, protobuf or JSON) on 127.0.0.1:N during the watch (4318 is the SDKs\' default; 0 picks a free port)') },
      duration: { type: 'string', value: '60s', help: l10n.t('how long to watch (like 30s, 5m, 1h30m; default 60s)') },
      interval: { type: 'string', value: 'MS', help: l10n.t('sample interval in ms (default {0}, min {1})', SETTINGS.sampleIntervalMs.default, SETTINGS.sampleIntervalMs.minimum) },
      json: { type: 'boolean', help: l10n.t('print the JSON form instead of Markdown') },
      out: { type: 'string', value: 'FILE', help: l10n.t('write the report to FILE instead of stdout') },
      'fail-on': { type: 'string', value: 'LEVEL', help: l10n.t('exit 1 when the status is LEVEL or worse (warning | critical)') },
      quiet: { type: 'boolean', help: l10n.t('no progress on stderr') },
    };
  },
  run: (values, io) => runReport(values, io),
};

/** The report's arguments from argv (tests) — parsing plus {@link reportArgsFrom}. */
export function parseReportArgs(argv: readonly string[]): { ok: true; args: ReportArgs } | { ok: false; message: string } {
  const parsed = parseCommandArgs(reportCommand, argv);
  return parsed.ok ? reportArgsFrom(parsed.values) : parsed;
}

/** Validates parsed flags into the report's arguments, or one sentence naming the flag. */
export function reportArgsFrom(v: CliValues): { ok: true; args: ReportArgs } | { ok: false; message: string } {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const ints: Record<string, number | undefined> = {};
  const ranges: [string, number, number][] = [
    ['port', SETTINGS['target.port'].minimum, SETTINGS['target.port'].maximum],
    ['pid', SETTINGS['target.pid'].minimum, 2 ** 31 - 1],
    ['interval', SETTINGS.sampleIntervalMs.minimum, SETTINGS.sampleIntervalMs.maximum],
    ['otlp-port', 0, 65535],
  ];
  for (const [flag, min, max] of ranges) {
    const text = str(flag);
    if (text !== undefined) {
      const n = wholeNumber(`--${flag}`, text, min, max);
      if (typeof n !== 'number') {
        return { ok: false, message: n.error };
      }
      ints[flag] = n;
    }
  }
  const pattern = str('pattern');
  const logs = Array.isArray(v.log) ? (v.log as readonly string[]) : [];
  const promUrl = str('prometheus');
  const job = str('job');
  if (promUrl !== undefined && !job) {
    return { ok: false, message: l10n.t('--prometheus needs --job NAME: the job label of the chat server in that Prometheus (the job_name of its scrape config).') };
  }
  if (promUrl === undefined && (job !== undefined || str('instance') !== undefined || str('rate-window') !== undefined)) {
    return { ok: false, message: l10n.t('--job, --instance and --rate-window read from a Prometheus: add --prometheus URL.') };
  }
  if (ints.port === undefined && ints.pid === undefined && !pattern && logs.length === 0 && ints['otlp-port'] === undefined && promUrl === undefined) {
    return { ok: false, message: l10n.t('Say which server to watch: --port N, --pid N or --pattern REGEX (and/or its logs: --log FILE, its spans: --otlp-port N), or --prometheus URL --job NAME.') };
  }
  const durationMs = duration('--duration', str('duration') ?? '60s', 1000, MAX_DURATION_MS);
  if (typeof durationMs !== 'number') {
    return { ok: false, message: durationMs.error };
  }
  const failOn = str('fail-on');
  if (failOn !== undefined && failOn !== 'warning' && failOn !== 'critical') {
    return { ok: false, message: l10n.t('--fail-on must be warning or critical, not "{0}".', failOn) };
  }
  const metricsUrl = str('metrics-url');
  const name = str('name');
  const out = str('out');
  return {
    ok: true,
    args: {
      ...(ints.port !== undefined ? { port: ints.port } : {}),
      ...(ints.pid !== undefined ? { pid: ints.pid } : {}),
      ...(pattern ? { pattern } : {}),
      ...(name ? { name } : {}),
      ...(metricsUrl !== undefined ? { metricsUrl } : {}),
      ...(out ? { out } : {}),
      ...(failOn ? { failOn } : {}),
      ...(promUrl !== undefined && job
        ? { prometheus: { url: promUrl, job, ...(str('instance') !== undefined ? { instance: str('instance')! } : {}), ...(str('rate-window') !== undefined ? { rateWindow: str('rate-window')! } : {}) } }
        : {}),
      durationMs,
      intervalMs: ints.interval ?? SETTINGS.sampleIntervalMs.default,
      json: v.json === true,
      quiet: v.quiet === true,
      logs,
      ...(ints['otlp-port'] !== undefined ? { otlpPort: ints['otlp-port'] } : {}),
    },
  };
}

async function runReport(values: CliValues, io: CliIo): Promise<number> {
  const parsed = reportArgsFrom(values);
  if (!parsed.ok) {
    io.stderr(`${PROGRAM} report: ${parsed.message}\n`);
    return 2;
  }
  const a = parsed.args;
  const outProblem = a.out === undefined ? undefined : checkWritableFile('--out', a.out);
  if (outProblem) {
    io.stderr(`${PROGRAM} report: ${outProblem}\n`);
    return 2;
  }
  if (a.prometheus) {
    const r = await prometheusReport(a, a.prometheus, (key) => FLAG_OF[key] ?? settingId(key), (s) => !a.quiet && io.stderr(`${PROGRAM}: ${s}\n`));
    if (!r.ok) {
      for (const m of r.problems) {
        io.stderr(`${PROGRAM} report: ${m}\n`);
      }
      return 2;
    }
    return finishReport(r.report, a, io);
  }
  const { config, problems } = parseConfig(
    {
      'target.port': a.port,
      'target.pid': a.pid,
      'target.commandPattern': a.pattern,
      'target.name': a.name,
      sampleIntervalMs: a.intervalMs,
      'metrics.url': a.metricsUrl,
      // Keep everything the run collects: the report covers the whole duration.
      'history.minutes': Math.min(SETTINGS['history.minutes'].maximum, Math.ceil(a.durationMs / 60_000) + 1),
    },
    { allowRemoteMetrics: true, nameOf: (key) => FLAG_OF[key] ?? settingId(key) },
  );
  if (problems.length > 0) {
    for (const p of problems) {
      io.stderr(`${PROGRAM} report: ${p.message}\n`);
    }
    return 2;
  }
  const say = (s: string) => !a.quiet && io.stderr(`${PROGRAM}: ${s}\n`);
  const deps = createMonitorDeps({ diskPath: process.cwd() });
  // Logs: frames and files are shown relative to the current directory.
  // OTLP log records join the log pipeline, so --otlp-port alone also reports logs.
  const logs = a.logs.length > 0 || a.otlpPort !== undefined ? new LogWatcher({ clock: deps.clock, files: a.logs, roots: [process.cwd()], cwd: process.cwd() }) : undefined;
  logs?.onNote((n) => n.kind !== 'opened' && say(n.message));
  const traces = a.otlpPort !== undefined ? new TraceWatcher({ clock: deps.clock, port: a.otlpPort }) : undefined;
  if (traces) {
    try {
      const port = await traces.start();
      say(l10n.t('receiving OTLP spans and logs on {0}', `http://127.0.0.1:${port}`));
    } catch (e) {
      io.stderr(`${PROGRAM} report: ${e instanceof Error ? e.message : String(e)}\n`);
      traces.dispose();
      logs?.dispose();
      return 2;
    }
    logs?.attach(traces.logLines);
  }
  const extraSources = [...(logs ? [logs.tickSource()] : []), ...(traces ? [traces.tickSource()] : [])];
  const monitor = new Monitor(extraSources.length > 0 ? { ...deps, createSources: (c) => [...deps.createSources(c), ...extraSources] } : deps);
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
  say(l10n.t('watching for {0} s…', Math.round(a.durationMs / 1000)));
  monitor.start();
  logs?.start();
  while (!stopped && Date.now() - startMs < a.durationMs) {
    await new Promise((r) => setTimeout(r, Math.min(250, a.durationMs)));
  }
  await monitor.stop();

  logs?.poll();
  const pid = monitor.targetState.kind === 'running' ? monitor.targetState.process.pid : monitor.targetState.kind === 'notRunning' ? monitor.targetState.lastPid : undefined;
  const watchesServer = a.port !== undefined || a.pid !== undefined || a.pattern !== undefined;
  const logsReport = a.logs.length > 0 || (logs && logs.pipeline.kept.size > 0) ? logs?.report(Date.now(), process.cwd(), watchesServer ? [oomSentence(readKernelOomKills(), pid)] : []) : undefined;
  const report = buildMonitorReport(monitor, Date.now() - startMs + a.intervalMs, Date.now(), undefined, logsReport, gitState(), traces ? (from, to) => traces.report(from, to) : undefined);
  monitor.dispose();
  logs?.dispose();
  traces?.dispose();
  return finishReport(report, a, io);
}

/** Prints or writes the report, says its status, and gives the exit code --fail-on asks for. */
function finishReport(report: ReportData, a: ReportArgs, io: CliIo): number {
  const say = (s: string) => !a.quiet && io.stderr(`${PROGRAM}: ${s}\n`);
  const text = a.json ? renderJson(report) : renderMarkdown(report);
  if (a.out) {
    fs.writeFileSync(a.out, text);
    say(l10n.t('report written to {0}', a.out));
  } else {
    io.stdout(text.endsWith('\n') ? text : text + '\n');
  }
  const status = report.analysis.status;
  // The status's word in the display language (in English, its id as before).
  const word = healthWord(status);
  say(report.analysis.reasons.length ? l10n.t('status: {0} — {1}', word, report.analysis.reasons.join(l10n.t('; '))) : l10n.t('status: {0}', word));
  if (a.failOn && (STATUS_RANK[status] ?? 0) >= STATUS_RANK[a.failOn]!) {
    return 1;
  }
  return 0;
}
