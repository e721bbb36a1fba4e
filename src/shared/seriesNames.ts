import * as l10n from '@vscode/l10n';

/**
 * The names people read for the monitor's own series — in chart legends, tiles, the
 * series picker, the report and notifications — with the unit where it is not
 * obvious. The raw series name stays in tooltips and in JSON. One table for every
 * surface (the webview bundles it too); test/unit/shared/seriesNames.test.ts checks that
 * every series of core/model's `Metric`, `InstanceMetric` and `ServiceMetric` has an entry.
 * Functions, so each name is read in the display language chosen at start-up (through
 * the one `@vscode/l10n` table).
 */
export const SERIES_DISPLAY_NAMES: Readonly<Record<string, () => string>> = {
  process_cpu_usage_percent: () => l10n.t('Server CPU (% of a core)'),
  process_resident_memory_bytes: () => l10n.t('Server memory (RSS)'),
  process_open_fds: () => l10n.t('Open file descriptors'),
  process_max_fds: () => l10n.t('File descriptor limit'),
  process_threads: () => l10n.t('Server threads'),
  process_uptime_seconds: () => l10n.t('Server uptime'),
  target_up: () => l10n.t('Server up'),
  target_restarts_total: () => l10n.t('Server restarts'),
  system_cpu_usage_percent: () => l10n.t('Machine CPU (all cores)'),
  system_memory_used_bytes: () => l10n.t('Machine memory used'),
  system_memory_total_bytes: () => l10n.t('Machine memory'),
  system_memory_usage_percent: () => l10n.t('Machine memory used (%)'),
  system_disk_used_bytes: () => l10n.t('Disk used'),
  system_disk_total_bytes: () => l10n.t('Disk size'),
  system_disk_usage_percent: () => l10n.t('Disk used (%)'),
  system_network_receive_bytes_per_second: () => l10n.t('Network in'),
  system_network_transmit_bytes_per_second: () => l10n.t('Network out'),
  scrape_up: () => l10n.t('Metrics endpoint up'),
  scrape_duration_seconds: () => l10n.t('Scrape duration'),
  scrape_samples_scraped: () => l10n.t('Samples per scrape'),
  scrape_samples_dropped: () => l10n.t('Samples dropped per scrape'),
  store_series_refused: () => l10n.t('Series refused (series limit)'),
  log_lines_per_second: () => l10n.t('Log lines per second'),
  log_errors_per_second: () => l10n.t('Log errors per second'),
  store_history_capped_series: () => l10n.t('Series with history cut short (memory budget)'),
  service_instance_up: () => l10n.t('Instance up'),
  service_instance_cpu_usage_percent: () => l10n.t('Instance CPU (% of a core)'),
  service_instance_resident_memory_bytes: () => l10n.t('Instance memory (RSS)'),
  service_instances_up: () => l10n.t('Instances up'),
  service_instances: () => l10n.t('Instances'),
};

/** The name a person reads for a series name; the raw name when it has none. */
export function seriesDisplayName(name: string): string {
  return SERIES_DISPLAY_NAMES[name]?.() ?? name;
}
