import { Clock } from '../clock';
import { effectiveMetricsUrl, MonitorConfig } from '../config';
import { SCRAPE_SOURCE, Scraper } from '../scrape/scraper';
import { EMPTY_OUTPUT, SourceOutput, TickContext, TickSource } from './tickSource';

/**
 * Scrapes the server's own /metrics each tick. The URL is the setting, or derived
 * from the port the watched process listens on, so it follows the server across
 * restarts; a new URL gets a new scraper (counter and histogram state restart).
 */
export class ScrapeSource implements TickSource {
  /** The same source name the scraper's own problems carry, so the UI groups them. */
  readonly id = SCRAPE_SOURCE;
  private scraper: Scraper | undefined;
  private url: string | undefined;

  constructor(
    private readonly config: MonitorConfig,
    private readonly clock: Clock,
  ) {}

  async collect(ctx: TickContext): Promise<SourceOutput> {
    if (ctx.target.kind !== 'running') {
      return EMPTY_OUTPUT;
    }
    const url = effectiveMetricsUrl(this.config, ctx.target.process.ports);
    if (!url) {
      return EMPTY_OUTPUT;
    }
    if (url !== this.url || !this.scraper) {
      this.url = url;
      this.scraper?.dispose(); // closes its kept-alive connection to the old URL
      this.scraper = new Scraper({
        url,
        // Below the interval, so a hanging endpoint never delays the next tick.
        timeoutMs: Math.max(100, Math.floor(this.config.sampleIntervalMs * 0.8)),
        maxSeries: this.config.metricsMaxSeries,
        clock: this.clock,
        allowRemote: this.config.allowRemoteMetrics,
      });
    }
    const r = await this.scraper.scrape();
    const exemplars = r.exemplars.length > 0 ? { exemplars: r.exemplars } : {};
    return r.verdict ? { samples: r.samples, problems: r.problems, prometheusVerdict: r.verdict, ...exemplars } : { samples: r.samples, problems: r.problems, ...exemplars };
  }

  dispose(): void {
    this.scraper?.dispose();
    this.scraper = undefined;
  }
}
