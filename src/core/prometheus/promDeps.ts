/**
 * Builds the Prometheus watch for a config — the one entry the CLI imports directly and
 * the extension loads lazily (its own bundle, dist/prometheus.js), so the main bundle
 * carries none of it.
 */
import { Clock } from '../clock';
import { MonitorConfig } from '../config';
import { TickSource } from '../collect/tickSource';
import { SettingKey, settingId } from '../settings/settings';
import { PromApi } from './promApi';
import { PrometheusWatch } from './promWatch';

export { PrometheusWatch } from './promWatch';
export { PromApi } from './promApi';

export interface PrometheusWatchDeps {
  readonly clock: Clock;
  /** The `Authorization` header (from secret storage, or the CLI's environment); a function is asked per request. */
  readonly authorization?: string | (() => string | undefined);
  /** How settings are named in sentences (default: their VS Code ids). */
  readonly nameOf?: (key: SettingKey) => string;
  /** How far back to back-fill before the first tick (default: the config's history). */
  readonly backfillMs?: number;
}

/** The watch (target state from `up`) that is also the source of the service's figures. */
export function createPrometheusWatch(config: MonitorConfig, deps: PrometheusWatchDeps): { watch: PrometheusWatch; sources: TickSource[] } | undefined {
  const p = config.prometheus;
  if (!p) {
    return undefined;
  }
  const nameOf = deps.nameOf ?? settingId;
  const api = new PromApi({
    baseUrl: new URL(p.url),
    setting: nameOf('prometheus.url'),
    timeoutMs: Math.max(2000, Math.floor(config.sampleIntervalMs * 0.8)),
    clock: deps.clock,
    ...(deps.authorization ? { authorization: deps.authorization } : {}),
  });
  const watch = new PrometheusWatch({
    config: p,
    api,
    settingOf: (k) => nameOf(`prometheus.${k}`),
    backfillMs: deps.backfillMs ?? config.historyMinutes * 60_000,
  });
  return { watch, sources: [watch] };
}
