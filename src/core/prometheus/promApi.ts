import * as l10n from '@vscode/l10n';
/**
 * A small client for Prometheus' HTTP query API (`/api/v1/query`, `/api/v1/query_range`),
 * which Thanos, Mimir and VictoriaMetrics speak too. Every failure — nothing listening,
 * a wrong base URL, missing credentials, a PromQL error — comes back as one sentence
 * naming the setting to change; Prometheus' own warnings come back as sentences too.
 * Never throws.
 */
import { Clock } from '../clock';
import { Labels } from '../model';
import { Cancellation, errorCode, HttpGetter, NodeHttpGetter } from '../scrape/httpGet';

/** One element of an instant vector. */
export interface PromSample {
  readonly labels: Labels;
  readonly value: number;
}

/** One series of a range matrix: times in ms since the epoch. */
export interface PromSeries {
  readonly labels: Labels;
  readonly timesMs: readonly number[];
  readonly values: readonly number[];
}

/** Why a request failed: the status bar and the tracker treat "cannot reach" apart from "bad query". */
export type PromFailureKind = 'unreachable' | 'auth' | 'notPrometheus' | 'query' | 'timeout';

export type PromResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly kind: PromFailureKind; readonly message: string };

export interface PromApiOptions {
  /** The base URL, like `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  readonly baseUrl: URL;
  /** How the user names the base URL in sentences: the setting or the CLI flag. */
  readonly setting: string;
  /**
   * A ready `Authorization` header value (`Bearer …`, `Basic …`), from secret storage or
   * the environment; a function is asked before every request, so new credentials apply
   * at the next tick.
   */
  readonly authorization?: string | (() => string | undefined);
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly http?: HttpGetter;
  /** Bodies above this are cut and the query reported (a query_range over many series). */
  readonly maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

interface ApiEnvelope {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  errorType?: unknown;
  error?: unknown;
  warnings?: unknown;
}

export class PromApi {
  private readonly http: HttpGetter;

  constructor(private readonly opts: PromApiOptions) {
    this.http = opts.http ?? new NodeHttpGetter();
  }

  private headers(): Record<string, string> {
    const a = typeof this.opts.authorization === 'function' ? this.opts.authorization() : this.opts.authorization;
    return a ? { accept: 'application/json', authorization: a } : { accept: 'application/json' };
  }

  /** The base URL as the user wrote it, for sentences. */
  get where(): string {
    return l10n.t('{0} ({1})', this.opts.baseUrl.href.replace(/\/$/, ''), this.opts.setting);
  }

  /** An instant query at `timeMs` (Prometheus' own "now" when absent). */
  async query(expr: string, timeMs?: number): Promise<PromResult<PromSample[]>> {
    const params: Record<string, string> = { query: expr };
    if (timeMs !== undefined) {
      params.time = (timeMs / 1000).toFixed(3);
    }
    const r = await this.request('query', params, expr);
    if (!r.ok) {
      return r;
    }
    const { resultType, result } = r.value;
    if (resultType === 'scalar' && Array.isArray(result)) {
      return { ok: true, value: [{ labels: {}, value: Number(result[1]) }], warnings: r.warnings };
    }
    if (resultType !== 'vector' || !Array.isArray(result)) {
      return { ok: false, kind: 'query', message: l10n.t('Prometheus answered the query {0} with a {1}, not an instant vector; write a query that returns one value per instance.', quote(expr), String(resultType)) };
    }
    const out: PromSample[] = [];
    for (const e of result as { metric?: Record<string, string>; value?: [number, string] }[]) {
      const v = Number(e.value?.[1]);
      if (e.metric && Number.isFinite(v)) {
        out.push({ labels: e.metric, value: v });
      }
    }
    return { ok: true, value: out, warnings: r.warnings };
  }

  /** A range query: one point per `stepMs` from `startMs` to `endMs`. */
  async queryRange(expr: string, startMs: number, endMs: number, stepMs: number): Promise<PromResult<PromSeries[]>> {
    const params = { query: expr, start: (startMs / 1000).toFixed(3), end: (endMs / 1000).toFixed(3), step: `${Math.max(1, Math.round(stepMs)) / 1000}` };
    // A range reads many points: it may take longer than one tick's query.
    const r = await this.request('query_range', params, expr, this.opts.timeoutMs * 5);
    if (!r.ok) {
      return r;
    }
    const { resultType, result } = r.value;
    if (resultType !== 'matrix' || !Array.isArray(result)) {
      return { ok: false, kind: 'query', message: l10n.t('Prometheus answered the range query {0} with a {1}, not a matrix.', quote(expr), String(resultType)) };
    }
    const out: PromSeries[] = [];
    for (const e of result as { metric?: Record<string, string>; values?: [number, string][] }[]) {
      const timesMs: number[] = [];
      const values: number[] = [];
      for (const [t, v] of e.values ?? []) {
        const n = Number(v);
        if (Number.isFinite(n)) {
          timesMs.push(Math.round(t * 1000));
          values.push(n);
        }
      }
      out.push({ labels: e.metric ?? {}, timesMs, values });
    }
    return { ok: true, value: out, warnings: r.warnings };
  }

  /** Label values Prometheus knows (for "wrong job": which jobs there are). */
  async labelValues(label: string): Promise<PromResult<string[]>> {
    const r = await this.request(`label/${encodeURIComponent(label)}/values`, {}, undefined);
    if (!r.ok) {
      return r;
    }
    const list = (r.value as unknown as unknown[]) ?? [];
    return { ok: true, value: Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [], warnings: r.warnings };
  }

  private async request(
    endpoint: string,
    params: Record<string, string>,
    expr: string | undefined,
    timeoutMs = this.opts.timeoutMs,
  ): Promise<PromResult<{ resultType?: unknown; result?: unknown }>> {
    const base = this.opts.baseUrl.href.endsWith('/') ? this.opts.baseUrl.href : this.opts.baseUrl.href + '/';
    const url = new URL(`api/v1/${endpoint}`, base);
    for (const [k, v] of Object.entries(params)) {
      url.searchParams.set(k, v);
    }
    const cancellation = new Cancellation();
    let timedOut = false;
    const timer = this.opts.clock.setTimeout(() => {
      timedOut = true;
      cancellation.cancel();
    }, timeoutMs);
    let status: number;
    let statusText: string;
    let text: string;
    try {
      const res = await this.http.get(url, this.headers(), cancellation);
      status = res.status;
      statusText = res.statusText;
      if (status >= 300 && status < 400) {
        res.discard();
        const location = res.header('location');
        const message = location
          ? l10n.t('{0} answered {1}, a redirect to {2}, which the monitor does not follow — put the final address in the setting.', this.where, status, location)
          : l10n.t('{0} answered {1}, a redirect, which the monitor does not follow — put the final address in the setting.', this.where, status);
        return { ok: false, kind: 'notPrometheus', message };
      }
      const { bytes, cut } = await res.readBody(this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
      if (cut) {
        return { ok: false, kind: 'query', message: l10n.t("Prometheus' answer to {0} is larger than {1} MB; narrow the selector (job, instance) so fewer series match.", quote(expr ?? endpoint), Math.round((this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY) / 1048576)) };
      }
      text = bytes.toString('utf8');
    } catch (e) {
      if (timedOut) {
        return { ok: false, kind: 'timeout', message: l10n.t('Prometheus at {0} did not answer within {1} ms; it may be overloaded, or the query too heavy. The next tick tries again.', this.where, timeoutMs) };
      }
      return { ok: false, kind: 'unreachable', message: this.networkMessage(e) };
    } finally {
      this.opts.clock.clearTimeout(timer);
    }

    let body: ApiEnvelope | undefined;
    try {
      body = JSON.parse(text) as ApiEnvelope;
    } catch {
      body = undefined;
    }
    if (status === 401 || status === 403) {
      return {
        ok: false,
        kind: 'auth',
        message: l10n.t(
          'Prometheus at {0} refused the request ({1}): it needs credentials — run "{2}" (they are kept in VS Code\'s secret storage), or set CHATROOM_MONITOR_PROMETHEUS_TOKEN for the command line.',
          this.where,
          `HTTP ${status}${statusText ? ' ' + statusText : ''}`,
          l10n.t('Chat-Room Monitor: Set Prometheus Credentials'),
        ),
      };
    }
    if (!body || typeof body !== 'object' || (body.status !== 'success' && body.status !== 'error')) {
      return {
        ok: false,
        kind: 'notPrometheus',
        message: l10n.t(
          "{0} answered HTTP {1} without the query API's JSON at {2}: set the setting to Prometheus' base address, like http://127.0.0.1:9090 (without /graph or /api).",
          this.where,
          status,
          `/api/v1/${endpoint.split('/')[0]}`,
        ),
      };
    }
    const warnings = Array.isArray(body.warnings) ? body.warnings.map((w) => l10n.t('Prometheus warns about {0}: {1}', quote(expr ?? endpoint), String(w))) : [];
    if (body.status === 'error') {
      const kind = String(body.errorType ?? 'error');
      const what = expr !== undefined ? l10n.t('the query {0}', quote(expr)) : `/api/v1/${endpoint}`;
      if (kind === 'timeout' || status === 503) {
        return { ok: false, kind: 'timeout', message: l10n.t('Prometheus could not answer {0} in time ({1}): {2}. The next tick tries again.', what, kind, String(body.error ?? '')) };
      }
      return { ok: false, kind: 'query', message: l10n.t('Prometheus refused {0} ({1}): {2}.', what, kind, String(body.error ?? `HTTP ${status}`)) };
    }
    return { ok: true, value: body.data ?? {}, warnings };
  }

  private networkMessage(e: unknown): string {
    const code = errorCode(e);
    switch (code) {
      case 'ECONNREFUSED':
        return l10n.t('Nothing answers at {0}: is Prometheus running, and is that its address (usually port 9090)?', this.where);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return l10n.t('The host in {0} was not found — check its spelling.', this.where);
      case 'ECONNRESET':
      case 'EPIPE':
        return l10n.t("{0} closed the connection before answering — is that Prometheus' HTTP port?", this.where);
      default:
        return l10n.t('Could not reach Prometheus at {0}: {1}.', this.where, code ?? (e instanceof Error ? e.message : String(e)));
    }
  }

  dispose(): void {
    this.http.dispose();
  }
}

/** A query quoted for a sentence, cut so a long override does not fill the tooltip. */
function quote(expr: string): string {
  const one = expr.replace(/\s+/g, ' ').trim();
  return '`' + (one.length > 120 ? one.slice(0, 119) + '…' : one) + '`';
}
