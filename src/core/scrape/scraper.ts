/**
 * Scrapes the chat server's Prometheus/OpenMetrics endpoint once per call: GET over a
 * kept-alive connection with a timeout, read at most `maxBodyBytes`, parse, derive
 * rates and quantiles. Every
 * failure comes back as one sentence naming `chatroomMonitor.metrics.url` and what to
 * do — never as an exception.
 */
import * as l10n from '@vscode/l10n';
import { Clock, TimerHandle } from '../clock';
import { groupThousands } from '../format';
import { Metric, NO_LABELS, Sample, SourceProblem } from '../model';
import { DeriveOptions, ScrapeDeriver } from './derive';
import { Exemplar } from './exemplars';
import { Cancellation, errorCode, fetchGetter, HttpAnswer, HttpGetter } from './httpGet';
import { METRICS_URL_SETTING, MetricsUrlCheck, validateMetricsUrl } from './metricsUrl';
import { DEFAULT_MAX_SERIES, ExpositionFormat, ExpositionMemo, PrometheusVerdict, SampleColumnPool, StringInterner, isLineProblem, parseExpositionBytes } from './parser';
import { SeriesCache } from './seriesCache';
import { SocketHttpGetter } from './socketHttp';

export { METRICS_URL_SETTING, validateMetricsUrl } from './metricsUrl';

/** OpenMetrics first (it carries units and `_created`), 0.0.4 as the fallback. */
export const SCRAPE_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';
/** The `source` of every SourceProblem the scraper reports. */
export const SCRAPE_SOURCE = 'metrics';
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The sentence of a tick's failed scrape (the report quotes it as the evidence and the
 * fix), or undefined: no scrape problem, or the scrape worked and the problems are
 * warnings (a skipped bad line). The usual tick has no scrape problem, so its samples
 * are not looked at; with one, `scrape_up` is looked for from the end: the scrape's
 * samples come after the /proc sources' and its `scrape_*` four end them, so only the
 * store-fed sources' few samples (forecasts, anomaly scores) stand after it.
 */
export function failedScrapeSentence(samples: readonly Sample[], problems: readonly SourceProblem[]): string | undefined {
  let problem: SourceProblem | undefined;
  for (let i = 0; i < problems.length; i++) {
    if (problems[i]!.source === SCRAPE_SOURCE) {
      problem = problems[i];
      break;
    }
  }
  if (problem === undefined) return undefined;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i]!;
    if (s.name === Metric.scrapeUp) return s.value === 0 ? problem.message : undefined;
  }
  return undefined;
}

/** Parse problems reported per scrape at most; the rest are summed up in one more sentence. */
const MAX_REPORTED_PARSE_PROBLEMS = 5;

export interface ScraperOptions {
  url: string;
  /** Chosen by the caller below the tick interval, so a stuck server cannot pile up scrapes. */
  timeoutMs: number;
  /** Reading stops here (default 10 MB); what was read is parsed up to the last full line. */
  maxBodyBytes?: number;
  /** Samples parsed at most per scrape (default 10,000). */
  maxSeries?: number;
  clock: Clock;
  /** A fetch to GET with instead of node:http (tests inject failures through it). */
  fetchImpl?: typeof fetch;
  /** False (the default) accepts loopback URLs only: the untrusted-workspace rule. */
  allowRemote?: boolean;
  derive?: DeriveOptions;
}

export interface ScrapeResult {
  /** True when a metrics body was read and parsed (possibly with warnings). */
  readonly ok: boolean;
  /**
   * Derived samples, plus `scrape_up`, `scrape_duration_seconds`, `scrape_samples_scraped` and `scrape_samples_dropped` always.
   * The derived ones are objects, in an array, that the scraper reuses on the next-but-one
   * scrape (derive.ts, ReusedSamples): they hold their values through this scrape's tick
   * and the next one.
   */
  readonly samples: Sample[];
  readonly problems: SourceProblem[];
  /** Wall time of the whole scrape. */
  readonly durationMs: number;
  /** Samples in the exposition (before deriving). */
  readonly seriesCount: number;
  /** What Prometheus would do with the body; absent when no body was read. */
  readonly verdict?: PrometheusVerdict;
  /** Exemplars on the body's histogram buckets that name a trace (OpenMetrics only). */
  readonly exemplars: Exemplar[];
}

class ScrapeFailure extends Error {}

function mb(bytes: number): string {
  const v = bytes / (1024 * 1024);
  return `${Number.isInteger(v) ? v : v.toFixed(1)} MB`;
}

/**
 * Scrapes one metrics endpoint. Keeps the derivation state (previous counter values,
 * histogram snapshots) across calls, so create one per target and reuse it.
 */
export class Scraper {
  private readonly deriver: ScrapeDeriver;
  private readonly interner = new StringInterner();
  private readonly seriesCache: SeriesCache;
  /** The parse's sample columns, refilled every scrape: no object per parsed sample. */
  private readonly columns = new SampleColumnPool();
  /** The previous body and what its lines parsed to: unchanged lines are not decoded or parsed again. */
  private readonly memo = new ExpositionMemo();
  private readonly maxBodyBytes: number;
  private readonly maxSeries: number;
  private readonly http: HttpGetter;
  private readonly headers: Readonly<Record<string, string>> = { Accept: SCRAPE_ACCEPT };
  /** The URL is fixed for the scraper's life, so it is checked once (on the first scrape, where a bad one is reported). */
  private urlCheck: MetricsUrlCheck | undefined;
  /**
   * The timeout's one timer, made by the first scrape and re-armed by each one after it
   * (a clock's refreshTimeout), instead of a timer made and cleared every tick (issue 20).
   * A scrape that ends leaves it armed: it fires once with no scrape to stop and does
   * nothing. That costs no wake-up more than clearing did: a timer cleared once the tick's
   * own timer callback has returned leaves the event loop set to wake at its time anyway.
   */
  private timeoutTimer: TimerHandle | undefined;
  /** The scrape the timeout timer stops when it fires: the one in flight, if any. */
  private timed: Cancellation | undefined;
  private readonly onTimeout = (): void => {
    const c = this.timed;
    this.timed = undefined;
    c?.cancel();
  };

  constructor(private readonly opts: ScraperOptions) {
    this.deriver = new ScrapeDeriver(opts.derive);
    this.maxBodyBytes = opts.maxBodyBytes !== undefined && opts.maxBodyBytes > 0 ? opts.maxBodyBytes : DEFAULT_MAX_BODY_BYTES;
    this.maxSeries = opts.maxSeries !== undefined && opts.maxSeries >= 0 ? opts.maxSeries : DEFAULT_MAX_SERIES;
    this.seriesCache = new SeriesCache(Math.max(1000, this.maxSeries * 2));
    this.http = opts.fetchImpl ? fetchGetter(opts.fetchImpl) : new SocketHttpGetter();
  }

  /** Closes the kept-alive connection (it would close itself after IDLE_CONNECTION_MS idle anyway). */
  dispose(): void {
    if (this.timeoutTimer !== undefined) this.opts.clock.clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    this.timed = undefined;
    this.http.dispose();
  }

  get url(): string {
    return this.opts.url;
  }

  async scrape(): Promise<ScrapeResult> {
    const startWall = performance.now();
    const timeMs = this.opts.clock.now();
    const problems: SourceProblem[] = [];
    let samples: Sample[] = [];
    let seriesCount = 0;
    let dropped = 0;
    let ok = false;
    let verdict: PrometheusVerdict | undefined;
    let exemplars: Exemplar[] = [];
    try {
      const r = await this.scrapeOnce(timeMs, problems, (v) => (verdict = v));
      samples = r.samples;
      exemplars = r.exemplars;
      seriesCount = r.seriesCount;
      dropped = r.dropped;
      ok = true;
    } catch (e) {
      // Only ScrapeFailure is expected; anything else is still a sentence, not a trace.
      problems.push(this.problem(e instanceof ScrapeFailure ? e.message : l10n.t('Scraping {0} ({1}) failed unexpectedly: {2}.', this.opts.url, METRICS_URL_SETTING, String(e))));
    }
    const durationMs = performance.now() - startWall;
    samples.push(
      { name: Metric.scrapeUp, labels: NO_LABELS, value: ok ? 1 : 0 },
      { name: Metric.scrapeDurationSeconds, labels: NO_LABELS, value: durationMs / 1000 },
      { name: Metric.scrapeSamplesScraped, labels: NO_LABELS, value: seriesCount },
      { name: Metric.scrapeSamplesDropped, labels: NO_LABELS, value: dropped },
    );
    return verdict ? { ok, samples, problems, durationMs, seriesCount, verdict, exemplars } : { ok, samples, problems, durationMs, seriesCount, exemplars };
  }

  private problem(message: string): SourceProblem {
    return { source: SCRAPE_SOURCE, setting: METRICS_URL_SETTING, message };
  }

  private async scrapeOnce(
    timeMs: number,
    problems: SourceProblem[],
    onVerdict: (v: PrometheusVerdict) => void,
  ): Promise<{ samples: Sample[]; seriesCount: number; dropped: number; exemplars: Exemplar[] }> {
    const check = (this.urlCheck ??= validateMetricsUrl(this.opts.url, { allowRemote: this.opts.allowRemote === true }));
    if (!check.ok) {
      throw new ScrapeFailure(check.message);
    }
    const url = check.url.href;
    const where = `${url} (${METRICS_URL_SETTING})`;
    // Only the timeout cancels a scrape: a cancelled one timed out.
    const cancellation = new Cancellation();
    const ownTimer = this.startTimeout(cancellation);
    let body: { bytes: Buffer; cut: boolean };
    let contentType: string;
    try {
      let res: HttpAnswer;
      try {
        // Redirects are not followed: a loopback URL must not lead off the machine.
        res = await this.http.get(check.url, this.headers, cancellation);
      } catch (e) {
        throw new ScrapeFailure(cancellation.isCancelled ? this.timeoutMessage(where) : this.networkMessage(e, url, where));
      }
      if (res.status < 200 || res.status > 299) {
        res.discard();
        throw new ScrapeFailure(this.statusMessage(res, where));
      }
      contentType = (res.header('content-type') ?? '').toLowerCase();
      if (contentType.includes('html') || contentType.includes('json')) {
        res.discard();
        throw new ScrapeFailure(l10n.t('{0} returned no metric lines — is it a Prometheus endpoint? It answered with {1}.', where, contentType.split(';')[0]!));
      }
      try {
        body = await this.readBody(res);
      } catch {
        // It did answer (a status line and headers came): the body was cut, not refused.
        throw new ScrapeFailure(cancellation.isCancelled ? this.timeoutMessage(where) : this.cutBodyMessage(res, where));
      }
    } finally {
      this.endTimeout(cancellation, ownTimer);
    }

    if (body.cut) {
      problems.push(
        this.problem(
          l10n.t('{0} sent more than {1} of metrics; only the first {1} were read — expose fewer series, or they will be missing from the charts.', where, mb(this.maxBodyBytes)),
        ),
      );
    }
    const format: ExpositionFormat = contentType.includes('openmetrics') ? 'openmetrics' : 'prometheus';
    // Straight from the bytes: no string of the whole body is made (see parseExpositionBytes).
    const parsed = parseExpositionBytes(body.bytes, {
      format,
      maxSeries: this.maxSeries,
      partial: body.cut,
      interner: this.interner,
      seriesCache: this.seriesCache,
      columns: this.columns,
      memo: this.memo,
    });
    onVerdict(parsed.verdict);
    if (parsed.sampleCount === 0 && (parsed.families.length === 0 || parsed.problems.length > 0)) {
      throw new ScrapeFailure(l10n.t('{0} returned no metric lines — is it a Prometheus endpoint?', where));
    }
    if (parsed.truncated) {
      problems.push(
        this.problem(
          l10n.t(
            '{0} exposes more than {1} series; only the first {1} were read and {2} dropped — a label with unbounded values (user or message ids) is the usual cause.',
            where,
            groupThousands(this.maxSeries),
            groupThousands(parsed.truncated.droppedSamples),
          ),
        ),
      );
    }
    const shown = parsed.problems.slice(0, MAX_REPORTED_PARSE_PROBLEMS);
    for (const p of shown) {
      problems.push(this.problem(isLineProblem(p) ? l10n.t('{0} has a bad line, skipped — {1}', url, p) : l10n.t('{0}: {1}', url, p)));
    }
    if (parsed.problems.length > shown.length) {
      problems.push(this.problem(l10n.t('{0} has {1} more bad lines, skipped too.', url, parsed.problems.length - shown.length)));
    }
    const derived = this.deriver.derive(parsed.families, timeMs);
    for (const p of derived.problems) {
      problems.push(this.problem(l10n.t('{0}: {1}', url, p)));
    }
    return { samples: derived.samples, seriesCount: parsed.sampleCount, dropped: parsed.truncated?.droppedSamples ?? 0, exemplars: derived.exemplars };
  }

  /**
   * Arms the timeout for a scrape: the re-armed one timer, or, for a scrape that overlaps
   * another (not the collector's: its ticks never overlap) or a clock that cannot re-arm,
   * a timer of the scrape's own, which it returns.
   */
  private startTimeout(c: Cancellation): TimerHandle | undefined {
    const clock = this.opts.clock;
    if (this.timed !== undefined || clock.refreshTimeout === undefined) {
      return clock.setTimeout(() => c.cancel(), this.opts.timeoutMs);
    }
    this.timed = c;
    if (this.timeoutTimer === undefined) {
      this.timeoutTimer = clock.setTimeout(this.onTimeout, this.opts.timeoutMs);
    } else {
      clock.refreshTimeout(this.timeoutTimer);
    }
    return undefined;
  }

  private endTimeout(c: Cancellation, ownTimer: TimerHandle | undefined): void {
    if (ownTimer !== undefined) {
      this.opts.clock.clearTimeout(ownTimer);
    } else if (this.timed === c) {
      this.timed = undefined;
    }
  }

  /** Reads the body, stopping at maxBodyBytes and keeping whole lines only. */
  private async readBody(res: HttpAnswer): Promise<{ bytes: Buffer; cut: boolean }> {
    const { bytes, cut } = await res.readBody(this.maxBodyBytes);
    // Invalid UTF-8 stays in the bytes: the verdict says Prometheus refuses it, the
    // parser shows U+FFFD (a byte-order mark stays too: the parser skips it, Prometheus does not).
    return { bytes: cut ? bytes.subarray(0, bytes.lastIndexOf(10) + 1) : bytes, cut };
  }

  private timeoutMessage(where: string): string {
    return l10n.t('{0} did not answer within {1} ms — the chat server may be stuck or overloaded; the next tick tries again.', where, this.opts.timeoutMs);
  }

  private cutBodyMessage(res: HttpAnswer, where: string): string {
    const status = `${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
    return l10n.t('{0} answered {1} but the connection closed before the body ended — the chat server may have crashed or been stopped while answering; the next tick tries again.', where, status);
  }

  private statusMessage(res: HttpAnswer, where: string): string {
    const status = `${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
    if (res.status === 404) {
      return l10n.t('{0} answered {1}: the server runs but serves no metrics at that path — check the path (usually /metrics).', where, status);
    }
    if (res.status === 401 || res.status === 403) {
      return l10n.t('{0} answered {1}: the monitor sends no credentials — serve /metrics without authentication on the loopback interface.', where, status);
    }
    if (res.status >= 300 && res.status < 400) {
      const to = res.header('location');
      return to
        ? l10n.t('{0} answered {1}, a redirect to {2}, which the monitor does not follow — put the final address in the setting.', where, status, to)
        : l10n.t('{0} answered {1}, a redirect, which the monitor does not follow — put the final address in the setting.', where, status);
    }
    return l10n.t("{0} answered HTTP {1} — check the chat server's log, or the address in the setting.", where, status);
  }

  private networkMessage(e: unknown, url: string, where: string): string {
    const code = errorCode(e);
    switch (code) {
      case 'ECONNREFUSED':
        return l10n.t('Nothing answers at {0}: is the chat server running, and does it serve /metrics?', where);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return l10n.t('The host in {0} was not found — check its spelling, or use 127.0.0.1.', where);
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_SOCKET':
        return l10n.t("{0} closed the connection before answering — is that port the chat server's HTTP port?", where);
      default:
        if (code !== undefined && (code.startsWith('CERT_') || code.includes('CERT') || code.includes('SSL'))) {
          return l10n.t('{0} has a certificate Node does not trust ({1}) — use http:// for a server on this machine.', where, code);
        }
        return l10n.t('Could not scrape {0} ({1}): {2} — check the address and that the chat server is running.', url, METRICS_URL_SETTING, code ?? (e instanceof Error ? e.message : String(e)));
    }
  }
}
