/** Command-line arguments of `chatroom-monitor report`, validated into options or a sentence. */

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
}

export const USAGE = `Usage: chatroom-monitor report (--port N | --pid N | --pattern REGEX) [options]

Watches a running chat server for a while and prints a performance report.

  --port N            the server listens on TCP port N (its /metrics is scraped)
  --pid N             watch this process id
  --pattern REGEX     watch the process whose command line matches REGEX
  --name NAME         name shown in the report
  --metrics-url URL   the server's Prometheus endpoint ("" turns scraping off)
  --duration 60s      how long to watch (ms, s, m, h; default 60s)
  --interval 1000     sample interval in ms (default 1000, min 250)
  --json              print the JSON form instead of Markdown
  --out FILE          write the report to FILE instead of stdout
  --fail-on LEVEL     exit 1 when the status is LEVEL or worse (warning | critical)
  --quiet             no progress on stderr
`;

export function parseDurationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}

export function parseReportArgs(argv: readonly string[]): { ok: true; args: ReportArgs } | { ok: false; message: string } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const valued = new Set(['port', 'pid', 'pattern', 'name', 'metrics-url', 'duration', 'interval', 'fail-on', 'out']);
  const boolean = new Set(['json', 'quiet']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) {
      return { ok: false, message: `Unexpected argument "${a}".` };
    }
    const key = m[1]!;
    if (boolean.has(key)) {
      flags.add(key);
    } else if (valued.has(key)) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) {
        return { ok: false, message: `--${key} needs a value.` };
      }
      values.set(key, v);
    } else {
      return { ok: false, message: `Unknown option --${key}.` };
    }
  }
  const int = (k: string, min: number, max: number): number | undefined | string => {
    const v = values.get(k);
    if (v === undefined) {
      return undefined;
    }
    const n = Number(v);
    return Number.isInteger(n) && n >= min && n <= max ? n : `--${k} must be a whole number from ${min} to ${max}, not "${v}".`;
  };
  const port = int('port', 1, 65535);
  const pid = int('pid', 1, 2 ** 31);
  const interval = int('interval', 250, 60_000);
  for (const v of [port, pid, interval]) {
    if (typeof v === 'string') {
      return { ok: false, message: v };
    }
  }
  const pattern = values.get('pattern');
  if (port === undefined && pid === undefined && !pattern) {
    return { ok: false, message: 'Say which server to watch: --port N, --pid N or --pattern REGEX.' };
  }
  const durationMs = parseDurationMs(values.get('duration') ?? '60s');
  if (durationMs === undefined || durationMs < 1000 || durationMs > 24 * 3_600_000) {
    return { ok: false, message: `--duration must be like 30s, 5m or 1h (between 1s and 24h), not "${values.get('duration')}".` };
  }
  const failOn = values.get('fail-on');
  if (failOn !== undefined && failOn !== 'warning' && failOn !== 'critical') {
    return { ok: false, message: `--fail-on must be warning or critical, not "${failOn}".` };
  }
  const metricsUrl = values.get('metrics-url');
  const name = values.get('name');
  const out = values.get('out');
  return {
    ok: true,
    args: {
      ...(port !== undefined ? { port: port as number } : {}),
      ...(pid !== undefined ? { pid: pid as number } : {}),
      ...(pattern ? { pattern } : {}),
      ...(name ? { name } : {}),
      ...(metricsUrl !== undefined ? { metricsUrl } : {}),
      ...(out ? { out } : {}),
      ...(failOn ? { failOn } : {}),
      durationMs,
      intervalMs: (interval as number | undefined) ?? 1000,
      json: flags.has('json'),
      quiet: flags.has('quiet'),
    },
  };
}
