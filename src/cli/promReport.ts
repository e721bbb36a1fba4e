/**
 * `chatroom-monitor report --prometheus URL --job NAME`: the same report, read from a
 * Prometheus' query API at once — the last --duration back-filled with query_range,
 * then one instant query — for every instance of the job, with a section per instance.
 */
import * as l10n from '@vscode/l10n';
import { compileAlertRules } from '../core/alerts/defaults';
import { parseConfig } from '../core/config';
import { Monitor } from '../core/monitor';
import { createMonitorDeps } from '../core/monitorDeps';
import { createPrometheusWatch } from '../core/prometheus/promDeps';
import { buildMonitorReport } from '../core/report/monitorReport';
import { ReportData } from '../core/report/reportData';
import { SETTINGS, SettingNamer } from '../core/settings/settings';
import { gitState } from './git';

/** The Authorization header from the environment (never from a flag: flags end up in shell history). */
export function authorizationFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env.CHATROOM_MONITOR_PROMETHEUS_TOKEN;
  if (token) {
    return `Bearer ${token}`;
  }
  const basic = env.CHATROOM_MONITOR_PROMETHEUS_BASIC;
  return basic ? `Basic ${Buffer.from(basic, 'utf8').toString('base64')}` : undefined;
}

export async function prometheusReport(
  a: { readonly durationMs: number; readonly intervalMs: number; readonly name?: string },
  p: { readonly url: string; readonly job: string; readonly instance?: string; readonly rateWindow?: string },
  nameOf: SettingNamer,
  say: (s: string) => void,
): Promise<{ ok: true; report: ReportData } | { ok: false; problems: string[] }> {
  const { config, problems } = parseConfig(
    {
      'prometheus.url': p.url,
      'prometheus.job': p.job,
      'prometheus.instance': p.instance,
      'prometheus.rateWindow': p.rateWindow,
      'target.name': a.name,
      sampleIntervalMs: a.intervalMs,
      'history.minutes': Math.min(SETTINGS['history.minutes'].maximum, Math.ceil(a.durationMs / 60_000) + 1),
    },
    { allowRemoteMetrics: true, nameOf },
  );
  if (problems.length > 0 || !config.prometheus) {
    return { ok: false, problems: problems.map((x) => x.message) };
  }
  const base = createMonitorDeps({ diskPath: process.cwd() });
  const auth = authorizationFromEnv();
  const monitor = new Monitor({
    ...base,
    createRemoteWatch: (c) => createPrometheusWatch(c, { clock: base.clock, nameOf, backfillMs: a.durationMs, ...(auth ? { authorization: auth } : {}) }),
  });
  monitor.setAlertRules(compileAlertRules([], true).rules);
  monitor.onLog((e) => say(e.message));
  monitor.configure(config);
  say(l10n.t('reading the last {0} s of job "{1}" from {2}…', Math.round(a.durationMs / 1000), p.job, p.url));
  // One tick: back-fill the window with query_range, then the instant queries of now.
  await monitor.tickNow();
  const nowMs = monitor.latestSnapshot?.timeMs ?? Date.now();
  const report = buildMonitorReport(monitor, a.durationMs, nowMs, undefined, undefined, gitState());
  monitor.dispose();
  return { ok: true, report };
}
