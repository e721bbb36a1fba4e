/**
 * `chatroom-monitor run [options] -- CMD ARGS…`: supervises a command with the same
 * core as the extension (restarts with backoff, crash-loop detection, audit), watches
 * it like `report` does, and at the end writes the report (with its Operations
 * section) and leaves the audit log — so a CI job can run the server under it.
 *
 * Exit codes: 0 the command ran until --duration or Ctrl-C; 1 the supervisor gave
 * up (crash loop) or the command could not be started; 2 bad arguments.
 */
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import { compileAlertRules } from '../core/alerts/defaults';
import { systemClock } from '../core/clock';
import { parseConfig } from '../core/config';
import { SETTINGS } from '../core/settings/settings';
import { Monitor } from '../core/monitor';
import { createMonitorDeps } from '../core/monitorDeps';
import { renderMarkdown } from '../core/report/markdown';
import { buildMonitorReport } from '../core/report/monitorReport';
import { renderJson } from '../core/report/reportData';
import { AuditLog } from '../core/supervise/audit';
import { nodeLauncher } from '../core/supervise/nodeLauncher';
import { Operations } from '../core/supervise/operations';
import { operationsForReport } from '../core/supervise/operationsReport';
import { DEFAULT_POLICY, describeExit } from '../core/supervise/policy';
import { Supervisor } from '../core/supervise/supervisor';
import { checkWritableFile, duration, wholeNumber } from './args';
import { CliCommand, CliOption, CliValues, parseCommandArgs, PROGRAM } from './command';

export const runCliCommand: CliCommand = {
  name: 'run',
  get summary() {
    return l10n.t('run a command under the supervisor, watch it, and write a report at the end');
  },
  usage: '[options] -- CMD ARGS…',
  get description() {
    return l10n.t('Runs CMD under the monitor\'s supervisor: restarted when it exits unexpectedly (delay\nfrom 100 ms growing ×1.5 up to 15 s), stopped after --max-restarts unstable runs,\nevery operation written to the audit log; a report at the end.');
  },
  positionals: true,
  get options(): Readonly<Record<string, CliOption>> {
    return {
      'min-uptime': { type: 'string', value: '1s', help: l10n.t('a run shorter than this is unstable (default 1s)') },
      'max-restarts': { type: 'string', value: '10', help: l10n.t('unstable runs tolerated in 5 minutes before giving up (default 10)') },
      audit: { type: 'string', value: 'FILE', help: l10n.t('append the audit log (JSON lines) to FILE') },
      report: { type: 'string', value: 'FILE', help: l10n.t('write the report to FILE (JSON when FILE ends in .json, else Markdown)') },
      duration: { type: 'string', value: 'D', help: l10n.t('stop the command after D (e.g. 60s, 5m); default: run until Ctrl-C') },
      port: { type: 'string', value: 'N', help: l10n.t('the server listens on N: watch it there (and scrape its /metrics)') },
      name: { type: 'string', value: 'NAME', help: l10n.t('name in sentences and the report') },
      quiet: { type: 'boolean', help: l10n.t('no progress on stderr') },
    };
  },
  run: (values, io, positionals) => {
    const parsed = runArgsFrom(values, positionals);
    if (!parsed.ok) {
      io.stderr(`${PROGRAM} run: ${parsed.message}\n`);
      return Promise.resolve(2);
    }
    const fileProblem = (parsed.args.report && checkWritableFile('--report', parsed.args.report)) || (parsed.args.audit && checkWritableFile('--audit', parsed.args.audit));
    if (fileProblem) {
      io.stderr(`${PROGRAM} run: ${fileProblem}\n`);
      return Promise.resolve(2);
    }
    return runCommand(parsed.args);
  },
};

export interface RunArgs {
  readonly command: string;
  readonly args: string[];
  readonly minUptimeMs: number;
  readonly maxRestarts: number;
  readonly audit?: string;
  readonly report?: string;
  readonly durationMs?: number;
  readonly port?: number;
  readonly name?: string;
  readonly quiet: boolean;
}

export function parseRunArgs(argv: readonly string[]): { ok: true; args: RunArgs } | { ok: false; message: string } {
  const parsed = parseCommandArgs(runCliCommand, argv);
  return parsed.ok ? runArgsFrom(parsed.values, parsed.positionals) : parsed;
}

function runArgsFrom(values: CliValues, positionals: readonly string[]): { ok: true; args: RunArgs } | { ok: false; message: string } {
  const v = values as { [k: string]: string | undefined } & { quiet?: boolean };
  const [command, ...args] = positionals;
  if (!command) {
    return { ok: false, message: l10n.t('Say which command to run after --, e.g. chatroom-monitor run -- node server.js.') };
  }
  const dur = (flag: string, text: string | undefined, fallback: number | undefined): number | undefined | string => {
    if (text === undefined) {
      return fallback;
    }
    const r = duration(`--${flag}`, text, 0, Infinity);
    return typeof r === 'number' ? r : r.error;
  };
  const minUptimeMs = dur('min-uptime', v['min-uptime'], DEFAULT_POLICY.minUptimeMs);
  const durationMs = dur('duration', v.duration, undefined);
  for (const x of [minUptimeMs, durationMs]) {
    if (typeof x === 'string') {
      return { ok: false, message: x };
    }
  }
  const int = (flag: string, text: string | undefined, min: number, max: number): number | undefined | string => {
    if (text === undefined) {
      return undefined;
    }
    const n = wholeNumber(`--${flag}`, text, min, max);
    return typeof n === 'number' ? n : n.error;
  };
  const maxRestarts = int('max-restarts', v['max-restarts'], 0, 1000);
  const port = int('port', v.port, 1, 65535);
  for (const x of [maxRestarts, port]) {
    if (typeof x === 'string') {
      return { ok: false, message: x };
    }
  }
  return {
    ok: true,
    args: {
      command,
      args,
      minUptimeMs: minUptimeMs as number,
      maxRestarts: (maxRestarts as number | undefined) ?? DEFAULT_POLICY.maxRestarts,
      ...(v.audit ? { audit: v.audit } : {}),
      ...(v.report ? { report: v.report } : {}),
      ...(durationMs !== undefined ? { durationMs: durationMs as number } : {}),
      ...(port !== undefined ? { port: port as number } : {}),
      ...(v.name ? { name: v.name } : {}),
      quiet: v.quiet ?? false,
    },
  };
}

async function runCommand(a: RunArgs): Promise<number> {
  const say = (s: string) => !a.quiet && process.stderr.write(`chatroom-monitor: ${s}\n`);
  const name = a.name ?? a.command.split('/').pop() ?? 'server';
  const supervisor = new Supervisor({
    clock: systemClock,
    launcher: nodeLauncher,
    name,
    policy: { minUptimeMs: a.minUptimeMs, maxRestarts: a.maxRestarts },
  });
  const audit = new AuditLog({ clock: systemClock, ...(a.audit ? { file: a.audit } : {}), onProblem: say });
  const ops = new Operations({ clock: systemClock, supervisor, audit });

  // The same watching as `report`: by port when given (keeps history across restarts), else the leader's pid.
  const monitor = new Monitor(createMonitorDeps({ diskPath: process.cwd() }));
  monitor.setAlertRules(compileAlertRules([], true).rules);
  const watch = (pid: number | undefined) => {
    const { config } = parseConfig(
      {
        'target.port': a.port,
        'target.pid': a.port === undefined ? pid : undefined,
        'target.name': name,
        // Long enough for a CI run; a longer one keeps the last day.
        'history.minutes': Math.min(SETTINGS['history.minutes'].maximum, Math.ceil((a.durationMs ?? 3_600_000) / 60_000) + 1),
        ...(a.port === undefined ? { 'metrics.url': '' } : {}),
      },
      { allowRemoteMetrics: false },
    );
    monitor.configure(config);
  };

  supervisor.onLine((l) => (l.stream === 'stdout' ? process.stdout : process.stderr).write(`${l.text}\n`));
  let done: (code: number) => void = () => undefined;
  const finished = new Promise<number>((r) => (done = r));
  supervisor.onEvent((e) => {
    if (e.type === 'started') {
      say(l10n.t('run {0}: started pid {1}', e.run, e.pid));
      if (e.run === 1 || a.port === undefined) {
        watch(e.pid);
      }
    } else if (e.type === 'restartScheduled') {
      say(l10n.t('the command ended ({0}); restarting in {1} ms', describeExit(e), e.delayMs));
    } else if (e.type === 'crashLoop') {
      say(`${e.alert.title}. ${e.alert.message}`);
      for (const line of e.alert.lastStderr.slice(-10)) {
        say(`  stderr: ${JSON.stringify(line)}`);
      }
    } else if (e.type === 'stopped' && e.reason !== 'user') {
      done(1);
    } else if (e.type === 'exited' && e.error) {
      say(l10n.t('could not start {0}: {1}', JSON.stringify(a.command), String(e.error)));
    }
  });

  const startMs = Date.now();
  ops.start({ kind: 'cli' }, { command: a.command, args: a.args });
  monitor.start();
  const stopSoon = (why: string) => {
    say(why);
    done(0);
  };
  const onSignal = () => stopSoon(l10n.t('stopping (signal)…'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = a.durationMs !== undefined ? setTimeout(() => stopSoon(l10n.t('{0} s are up; stopping…', Math.round(a.durationMs! / 1000))), a.durationMs) : undefined;

  // The core's timers do not keep a process alive (systemClock unrefs them); this one
  // does, so the CLI waits out a restart delay instead of exiting in the middle of it.
  const keepAlive = setInterval(() => undefined, 60_000);
  const code = await finished;
  clearInterval(keepAlive);
  if (timer) {
    clearTimeout(timer);
  }
  await ops.stop({ kind: 'cli' });
  await monitor.stop();
  if (a.report) {
    const nowMs = Date.now();
    const report = buildMonitorReport(monitor, nowMs - startMs + 1000, nowMs, operationsForReport(audit.entries(), supervisor.runs, startMs));
    fs.writeFileSync(a.report, a.report.endsWith('.json') ? renderJson(report) : renderMarkdown(report));
    say(l10n.t('report written to {0}', a.report));
  }
  if (a.audit) {
    say(l10n.t('audit log: {0}', a.audit));
  }
  monitor.dispose();
  ops.dispose();
  audit.dispose();
  supervisor.dispose();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return code;
}
