/**
 * The names people read for the monitor's own series — in chart legends, tiles, the
 * series picker, the report and notifications — with the unit where it is not
 * obvious. The raw series name stays in tooltips and in JSON. One table for every
 * surface (the webview bundles it too); test/unit/shared/seriesNames.test.ts checks that
 * every series of core/model's `Metric`, `InstanceMetric` and `ServiceMetric` has an entry.
 */
export const SERIES_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  process_cpu_usage_percent: 'Server CPU (% of a core)',
  process_resident_memory_bytes: 'Server memory (RSS)',
  process_open_fds: 'Open file descriptors',
  process_max_fds: 'File descriptor limit',
  process_threads: 'Server threads',
  process_uptime_seconds: 'Server uptime',
  target_up: 'Server up',
  target_restarts_total: 'Server restarts',
  system_cpu_usage_percent: 'Machine CPU (all cores)',
  system_memory_used_bytes: 'Machine memory used',
  system_memory_total_bytes: 'Machine memory',
  system_memory_usage_percent: 'Machine memory used (%)',
  system_disk_used_bytes: 'Disk used',
  system_disk_total_bytes: 'Disk size',
  system_disk_usage_percent: 'Disk used (%)',
  system_network_receive_bytes_per_second: 'Network in',
  system_network_transmit_bytes_per_second: 'Network out',
  scrape_up: 'Metrics endpoint up',
  scrape_duration_seconds: 'Scrape duration',
  scrape_samples_scraped: 'Samples per scrape',
  scrape_samples_dropped: 'Samples dropped per scrape',
  store_series_refused: 'Series refused (series limit)',
  log_lines_per_second: 'Log lines per second',
  log_errors_per_second: 'Log errors per second',
  store_history_capped_series: 'Series with history cut short (memory budget)',
  service_instance_up: 'Instance up',
  service_instance_cpu_usage_percent: 'Instance CPU (% of a core)',
  service_instance_resident_memory_bytes: 'Instance memory (RSS)',
  service_instances_up: 'Instances up',
  service_instances: 'Instances',
};

/** The name a person reads for a series name; the raw name when it has none. */
export function seriesDisplayName(name: string): string {
  return SERIES_DISPLAY_NAMES[name] ?? name;
}
