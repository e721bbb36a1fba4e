import * as l10n from '@vscode/l10n';
import { settingId } from '../settings/settings';
/**
 * Checks the metrics URL setting. An untrusted workspace's settings must not make the
 * monitor reach off this machine, so without `allowRemote` only loopback hosts pass.
 */

/** The setting every scrape problem names, so the user knows what to change. */
export const METRICS_URL_SETTING = settingId('metrics.url');

export type MetricsUrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly message: string };

const METRICS_EXAMPLE = 'http://127.0.0.1:8080/metrics';

/** True for 127.0.0.0/8, ::1 (and IPv4-mapped 127.x), `localhost` — as the WHATWG URL parser normalises them. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost') {
    return true;
  }
  // The URL parser already turned 127.1, 0x7f.1 and 2130706433 into dotted quads.
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) {
    return true;
  }
  if (h === '[::1]') {
    return true;
  }
  // ::ffff:127.x.y.z, which the parser writes as [::ffff:7fxx:xxxx].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h);
}

/**
 * Parses and checks a metrics URL. Never throws: a bad value gives one sentence naming
 * the setting and what to write instead.
 */
export function validateMetricsUrl(
  url: unknown,
  opts: { allowRemote: boolean; setting?: string; /** The address's example and its name in sentences (a Prometheus base URL, not /metrics). */ example?: string; what?: string },
): MetricsUrlCheck {
  const name = opts.setting ?? METRICS_URL_SETTING;
  const EXAMPLE = opts.example ?? METRICS_EXAMPLE;
  const what = opts.what ?? l10n.t("the chat server's metrics address");
  if (typeof url !== 'string' || url.trim() === '') {
    return { ok: false, message: l10n.t('{0} is empty: set it to {1}, like {2}.', name, what, EXAMPLE) };
  }
  const trimmed = url.trim();
  if (/^(?:[\w.-]+|\[[0-9a-f:.]+\])(?::\d+)?(?:\/\S*)?$/i.test(trimmed)) {
    // "localhost:8080/metrics" would parse as the scheme "localhost:": say what is missing.
    return {
      ok: false,
      message: l10n.t('{0} has no http:// in front ({1}): write it like {2}.', name, JSON.stringify(url), `http://${trimmed.replace(/^\/+/, '')}`),
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return {
      ok: false,
      message: l10n.t('{0} is not a valid URL ({1}): write it like {2}.', name, JSON.stringify(url), EXAMPLE),
    };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return {
      ok: false,
      message: l10n.t('{0} must start with http:// or https://, not {1} — write it like {2}.', name, parsed.protocol, EXAMPLE),
    };
  }
  if (!opts.allowRemote && !isLoopbackHost(parsed.hostname)) {
    return {
      ok: false,
      message: l10n.t('{0} points to {1}, which is not this machine; in an untrusted workspace only 127.0.0.1, ::1 or localhost are reached — trust the workspace or use a loopback address.', name, parsed.host),
    };
  }
  return { ok: true, url: parsed };
}
