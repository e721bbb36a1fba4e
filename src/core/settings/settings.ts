import * as l10n from '@vscode/l10n';
import { parseDuration } from '../alerts/duration';
import { ALERT_RULE_ITEMS_SCHEMA } from '../alerts/ruleSchema';
import { ALERT_LEVELS, REPORT_WINDOWS, REPORT_WINDOW_IDS } from '../../shared/vocabulary';

/**
 * Every setting, declared once: key, type, default, range, description, and which
 * part of the monitor reads it. From this one table come
 * - the `contributes.configuration` of package.json (checked by a unit test;
 *   `npm run settings:sync` rewrites it and the README table),
 * - the typed {@link Settings} object every part reads,
 * - the validation sentences ({@link validateSettings}): a bad value falls back to its
 *   default (or is clamped) with one sentence naming the setting and the fix,
 * - the change event's list of changed keys ({@link changedSettings}), so each part
 *   reconfigures only when one of its own keys changed.
 *
 * To add a setting: add an entry here (see /work/notes/SPINE.md), run
 * `npm run settings:sync`, read it from `Settings` where you need it.
 */

export const SETTINGS_SECTION = 'chatroomMonitor';

/** Which part of the monitor a setting reconfigures (the change event is routed by it). */
export type SettingPart = 'collection' | 'history' | 'alerts' | 'notifications' | 'report' | 'server' | 'logs' | 'traces';

type JsonType = 'integer' | 'number' | 'string' | 'boolean' | 'array' | 'object';

export interface SettingDecl {
  readonly type: JsonType;
  /** `null` is a valid value (and usually the default): "not set". */
  readonly nullable?: boolean;
  readonly default: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly enum?: readonly string[];
  readonly enumDescriptions?: readonly string[];
  readonly format?: 'uri';
  /** JSON schema of array items (package.json only; the part that reads it validates). */
  readonly items?: object;
  readonly order: number;
  readonly markdownDescription: string;
  readonly part: SettingPart;
  /** Unit word in sentences about numbers ("ms", "minutes"). */
  readonly unit?: string;
  /**
   * Out-of-range numbers: `clamp` into the range with a sentence (the default for
   * numbers with a default), or `reject` (fall back to the default with `invalid`).
   */
  readonly outOfRange?: 'clamp' | 'reject';
  /**
   * The sentence's tail for a rejected value, after the value: "is not a process id; use …, or clear it".
   * A function, so it is written in the display language when the sentence is.
   */
  readonly invalid?: () => string;
  /** An extra check of a well-typed value: a sentence tail when bad (then the default is used). */
  readonly check?: (value: never) => string | undefined;
  /** Untrusted workspaces may not set it (VS Code drops the workspace value). */
  readonly restricted?: boolean;
}

export const SETTINGS = {
  'target.port': {
    type: 'integer',
    nullable: true,
    default: null,
    minimum: 1,
    maximum: 65535,
    outOfRange: 'reject',
    invalid: () => l10n.t('is not a TCP port; use a whole number from 1 to 65535, or clear it'),
    order: 1,
    part: 'collection',
    markdownDescription:
      'Watch the process that **listens on this TCP port** (for example `8080`). Found again automatically when the server restarts with a new PID. Used when `#chatroomMonitor.target.pid#` is not set.',
  },
  'target.pid': {
    type: 'integer',
    nullable: true,
    default: null,
    minimum: 1,
    outOfRange: 'reject',
    invalid: () => l10n.t('is not a process id; use a positive whole number, or clear it'),
    order: 2,
    part: 'collection',
    markdownDescription:
      'Watch the process with this **PID**. A PID changes when the server restarts, so prefer `#chatroomMonitor.target.port#` or `#chatroomMonitor.target.commandPattern#`; run **Chat-Room Monitor: Select Process to Watch** to pick one.',
  },
  'target.commandPattern': {
    type: 'string',
    default: '',
    invalid: () => l10n.t('is not text; use a regular expression such as "node .*server\\.js"'),
    check: (v: string) => {
      try {
        new RegExp(v);
        return undefined;
      } catch (err) {
        return l10n.t('is not a valid regular expression ({0}); fix it, e.g. "node .*server\\.js"', (err as Error).message.replace(/^Invalid regular expression: /, ''));
      }
    },
    order: 3,
    part: 'collection',
    markdownDescription:
      'Watch the process whose **command line matches this regular expression**, for example `node .*server\\.js` or `python3? -m chat_server`. Used when neither PID nor port is set.',
  },
  'target.processTree': {
    type: 'boolean',
    default: true,
    order: 5,
    part: 'collection',
    markdownDescription:
      'Watch the process **and every process it started** (cluster workers, `WEB_CONCURRENCY`) as one service: the status bar shows their total CPU and memory and `4/4 up`, the tooltip, dashboard and report a row per process, and a process that exits is an alert of its own. Linux only; a server without child processes looks the same either way.',
  },
  'target.ports': {
    type: 'array',
    default: [],
    items: { type: 'integer', minimum: 1, maximum: 65535 },
    invalid: () => l10n.t('is not a list of TCP ports; use whole numbers from 1 to 65535, like [3001, 3002]'),
    check: (v: unknown[]) =>
      v.every((p) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535)
        ? v.length > 64
          ? l10n.t('lists more than {0} ports; watch a few instances of one service', 64)
          : undefined
        : l10n.t('is not a list of TCP ports; use whole numbers from 1 to 65535, like [3001, 3002]'),
    order: 6,
    part: 'collection',
    markdownDescription:
      'Watch **every process listening on one of these TCP ports** as one service, for example `[3001, 3002, 3003]` for three instances of the server: the status bar shows their total CPU and memory and `3/3 up`, the tooltip, dashboard and report a row per port, and a port nobody listens on any more is an alert of its own. Takes the place of `#chatroomMonitor.target.port#`; `#chatroomMonitor.target.pid#` wins over it. Linux only.',
  },
  'target.everyMatch': {
    type: 'boolean',
    default: false,
    order: 7,
    part: 'collection',
    markdownDescription:
      'With `#chatroomMonitor.target.commandPattern#`: watch **every process whose command line matches** as one service (a row per process, their total in the status bar, `n/n up`), instead of the one that looks most like the server. Used when neither PID nor port is set. Linux only.',
  },
  'target.name': {
    type: 'string',
    default: '',
    maxLength: 40,
    invalid: () => l10n.t('is not text; use a short name such as "chat"'),
    order: 4,
    part: 'collection',
    markdownDescription: "A short **name** shown in the status bar and the dashboard (default: the executable's name, e.g. `node`).",
  },
  sampleIntervalMs: {
    type: 'integer',
    default: 1000,
    minimum: 250,
    maximum: 60_000,
    unit: 'ms',
    order: 10,
    part: 'collection',
    markdownDescription: 'How often to sample, in **milliseconds** (250 – 60000). Each tick reads `/proc` directly on Linux: no child process is started.',
  },
  'metrics.url': {
    type: 'string',
    nullable: true,
    default: null,
    format: 'uri',
    restricted: true,
    order: 11,
    part: 'collection',
    markdownDescription:
      "The server's **Prometheus endpoint** (text format or OpenMetrics), e.g. `http://127.0.0.1:8080/metrics`. Leave unset (`null`) to derive it from the watched port; set to `\"\"` to turn scraping off. In an untrusted workspace only this machine can be reached.",
  },
  'metrics.maxSeries': {
    type: 'integer',
    default: 10_000,
    minimum: 10,
    maximum: 100_000,
    unit: 'series',
    order: 12,
    part: 'collection',
    markdownDescription:
      "At most this many **series** are kept from one scrape; the rest are dropped with a warning, so a label explosion cannot exhaust the editor's memory.",
  },
  'history.minutes': {
    type: 'integer',
    default: 60,
    minimum: 1,
    maximum: 1440,
    unit: 'minutes',
    order: 13,
    part: 'collection',
    markdownDescription: 'How many **minutes of history** to keep in memory for the dashboard and the report. A sample takes about 8 bytes (its value; the series a source writes together share one column of times), within ``chatroomMonitor.history.memoryBudgetMb``.',
  },
  'history.memoryBudgetMb': {
    type: 'integer',
    default: 32,
    minimum: 8,
    maximum: 4096,
    unit: 'MiB',
    order: 14,
    part: 'collection',
    markdownDescription: 'The most memory, in **MiB**, the stored history may take. When it is full, the server\'s own scraped series keep their newest samples and drop their oldest first (the process and machine series the rules read keep their whole history), and the log and the report say so.',
  },
  'history.persist': {
    type: 'boolean',
    default: true,
    order: 15,
    part: 'history',
    markdownDescription:
      "Keep the history **on disk** in the extension's workspace storage (Gorilla-compressed, about 2 bytes a sample), so \"Reload Window\" or a crash of the extension host does not lose it: the recent window is restored before the first new tick.",
  },
  'history.retentionDays': {
    type: 'number',
    default: 7,
    minimum: 0.01,
    maximum: 365,
    unit: 'days',
    order: 16,
    part: 'history',
    markdownDescription: 'History on disk older than this many **days** is deleted.',
  },
  'history.maxDiskMb': {
    type: 'number',
    default: 256,
    minimum: 1,
    maximum: 65536,
    unit: 'MiB',
    order: 17,
    part: 'history',
    markdownDescription: 'The history on disk never takes more than this many **MiB**: the oldest segments are deleted first.',
  },
  'analysis.memoryLimitMb': {
    type: 'number',
    nullable: true,
    default: null,
    minimum: 1,
    outOfRange: 'reject',
    invalid: () => l10n.t("is not a memory size; use a number of MiB such as 512, or clear it to forecast against the machine's memory"),
    order: 14,
    part: 'collection',
    markdownDescription:
      "A **memory limit** in MiB for the server (for example its container limit). Forecasts say when RSS will reach it; unset means the machine's memory.",
  },
  'alerts.useDefaults': {
    type: 'boolean',
    default: true,
    order: 20,
    part: 'alerts',
    markdownDescription:
      'Use the built-in alert rules: server CPU above 80% (warning) and 95% (critical) for 30 s, machine memory above 85% / 95%, disk above 90%, the server not running (error), an instance of a service down — a Prometheus target, or a process of the watched tree such as a cluster worker (error, one alert per instance), message latency p95 above 500 ms (when the server exposes it), more than 1 error per second in the server\'s logs for 30 s (when `#chatroomMonitor.logs.files#` is set). Change one by adding a rule with its id to `#chatroomMonitor.alerts.rules#`.',
  },
  'alerts.rules': {
    type: 'array',
    default: [],
    items: ALERT_RULE_ITEMS_SCHEMA,
    invalid: () => l10n.t('must be a list of rules; only the built-in rules apply'),
    order: 21,
    part: 'alerts',
    markdownDescription:
      'Alert rules, added to (or changing) the built-in ones. Any number of rules per metric. Example: `{ "id": "many-users", "metric": "chat_active_users", "op": ">", "threshold": 200, "level": "info", "for": "1m" }`. A bad rule is reported in one sentence in the log; the others keep working.',
  },
  'alerts.minimumLevel': {
    type: 'string',
    enum: ALERT_LEVELS,
    default: 'warning',
    order: 22,
    part: 'notifications',
    markdownDescription: 'Alerts below this level are listed in the status bar tooltip and the dashboard but do not pop up a notification.',
  },
  'alerts.notifyResolved': {
    type: 'boolean',
    default: true,
    order: 23,
    part: 'notifications',
    markdownDescription: 'Show a notification once when an alert that was notified resolves.',
  },
  'report.defaultWindow': {
    type: 'string',
    enum: REPORT_WINDOW_IDS,
    enumDescriptions: REPORT_WINDOW_IDS.map((id) => REPORT_WINDOWS[id].label),
    default: '30m',
    order: 30,
    part: 'report',
    markdownDescription: 'The window **Show Performance Report** offers first.',
  },
  'server.command': {
    type: 'string',
    default: '',
    order: 40,
    part: 'server',
    restricted: true,
    markdownDescription:
      'The program that starts your server, for example `node` or `npm`. **Start Server** runs it (with `#chatroomMonitor.server.args#`) in the workspace folder, shows its output in a terminal, watches it and restarts it when it crashes. Not used in an untrusted workspace.',
  },
  'server.args': {
    type: 'array',
    default: [],
    items: { type: 'string' },
    order: 41,
    part: 'server',
    restricted: true,
    markdownDescription:
      'Arguments of `#chatroomMonitor.server.command#`, for example `["examples/chat-server/server.js", "--port", "8080"]` or `["run", "dev"]`.',
  },
  'server.cwd': {
    type: 'string',
    default: '',
    order: 42,
    part: 'server',
    restricted: true,
    markdownDescription: 'The folder to start the server in, relative to the workspace folder (default: the workspace folder).',
  },
  'server.env': {
    type: 'object',
    default: {},
    order: 43,
    part: 'server',
    restricted: true,
    markdownDescription: 'Environment variables added for the server, for example `{ "PORT": "8080" }`. The **scale** action sets `WEB_CONCURRENCY`.',
  },
  'server.task': {
    type: 'string',
    default: '',
    order: 44,
    part: 'server',
    restricted: true,
    markdownDescription: 'Take the command from this **VS Code task** (a shell or process task in tasks.json) instead of `#chatroomMonitor.server.command#`.',
  },
  'server.stopOnExit': {
    type: 'boolean',
    default: true,
    order: 45,
    part: 'server',
    markdownDescription: 'Stop the server (and every process below it) when VS Code closes. Off: it keeps running, unsupervised.',
  },
  'server.minUptime': {
    type: 'string',
    default: '1s',
    order: 46,
    part: 'server',
    check: (v: string) => {
      const r = parseDuration(v);
      return 'error' in r ? r.error : undefined;
    },
    markdownDescription:
      "A run shorter than this counts as **unstable** (PM2's `min_uptime`), e.g. `1s`, `500ms`. Restarts wait 100 ms, then ×1.5 each time up to 15 s; a stable run resets the delay.",
  },
  'server.maxRestarts': {
    type: 'integer',
    default: 10,
    minimum: 0,
    maximum: 1000,
    order: 47,
    part: 'server',
    markdownDescription:
      'After this many unstable restarts within 5 minutes the server is left stopped and one critical alert names the crash loop, the exit codes and the last stderr lines.',
  },
  'logs.files': {
    type: 'array',
    default: [],
    items: { type: 'string', minLength: 1 },
    invalid: () => l10n.t('must be a list of file paths or globs; no log file is followed'),
    order: 50,
    part: 'logs',
    markdownDescription:
      'The server\'s **log files**, followed like `tail -F` (rotation, truncation and files that appear later are handled; reading starts at the end with a 64 KiB look-back). Paths or globs in the file name (`logs/*.log`), relative to the workspace folder. JSON lines (pino, winston, bunyan, Python), logfmt, access logs and plain text are read; errors are grouped and shown in **Problems** at the line of your code that threw.',
  },
  'prometheus.url': {
    type: 'string',
    nullable: true,
    default: null,
    format: 'uri',
    restricted: true,
    order: 60,
    part: 'collection',
    markdownDescription:
      "Read the server from a **Prometheus** (or Thanos, Mimir, VictoriaMetrics) instead of this machine's processes: its base address, e.g. `http://127.0.0.1:9090`. With `#chatroomMonitor.prometheus.job#` set, every instance of that job is watched as one service. Credentials: **Chat-Room Monitor: Set Prometheus Credentials** (kept in VS Code's secret storage, never in settings). In an untrusted workspace only a Prometheus on this machine is read.",
  },
  'prometheus.job': {
    type: 'string',
    default: '',
    order: 61,
    part: 'collection',
    markdownDescription: 'The **`job` label** of the chat server in Prometheus (the `job_name` of its scrape config), e.g. `chat`.',
  },
  'prometheus.instance': {
    type: 'string',
    default: '',
    check: (v: string) => {
      try {
        new RegExp(v);
        return undefined;
      } catch {
        return l10n.t('is not a valid regular expression; use one such as "127\\.0\\.0\\.1:80.*", or clear it for every instance');
      }
    },
    order: 62,
    part: 'collection',
    markdownDescription: 'Only the instances whose **`instance` label matches this regular expression** (PromQL `=~`), e.g. `staging-.*`. Empty: every instance of the job.',
  },
  'prometheus.labels': {
    type: 'object',
    default: {},
    order: 63,
    part: 'collection',
    markdownDescription:
      'More **label matchers** for the service, e.g. `{ "env": "staging" }`; a value starting with `=~`, `!=` or `!~` uses that PromQL matcher (`{ "pod": "=~chat-.*" }`).',
  },
  'prometheus.cpuQuery': {
    type: 'string',
    default: '',
    order: 64,
    part: 'collection',
    markdownDescription:
      'PromQL for **CPU in % of one core, per instance**, instead of `sum by (instance) (rate(process_cpu_seconds_total{$selector}[$window])) * 100`. `$selector` is replaced by the service\'s matchers, `$window` by `#chatroomMonitor.prometheus.rateWindow#`.',
  },
  'prometheus.memoryQuery': {
    type: 'string',
    default: '',
    order: 65,
    part: 'collection',
    markdownDescription:
      'PromQL for **resident memory in bytes, per instance**, instead of `sum by (instance) (process_resident_memory_bytes{$selector})` (e.g. `container_memory_working_set_bytes{$selector}` in Kubernetes).',
  },
  'prometheus.rateWindow': {
    type: 'string',
    default: '1m',
    check: (v: string) => {
      const r = parseDuration(v);
      return 'error' in r ? r.error : r.ms < 1000 ? l10n.t('is shorter than 1s; use at least four scrape intervals, such as "1m"') : undefined;
    },
    order: 66,
    part: 'collection',
    markdownDescription: 'The range of `rate()` for CPU and the chat counters: at least four of that Prometheus\' **scrape intervals** (`1m` for the usual 15 s).',
  },
  'traces.enabled': {
    type: 'boolean',
    default: true,
    order: 70,
    part: 'traces',
    markdownDescription:
      'Receive **OpenTelemetry spans and logs** from your server (OTLP/HTTP, protobuf or JSON, what the OpenTelemetry SDKs send to `http://localhost:4318` by default) on `#chatroomMonitor.traces.port#`, on this machine only. Spans give per-operation rate, errors and p50/p95/p99, the slowest traces and where their time went (**Show Traces**); log records join the server\'s logs. Off in an untrusted workspace.',
  },
  'traces.port': {
    type: 'integer',
    default: 4318,
    minimum: 0,
    maximum: 65535,
    outOfRange: 'reject',
    invalid: () => l10n.t('is not a TCP port; use a whole number from 1 to 65535 (0: any free port), using 4318'),
    order: 71,
    part: 'traces',
    markdownDescription:
      'The loopback **port** of the OTLP/HTTP receiver (4318 is the SDKs\' default; point `OTEL_EXPORTER_OTLP_ENDPOINT` at `http://127.0.0.1:PORT` when you change it). `0` picks a free port, shown in the output channel.',
  },
} as const satisfies Record<string, SettingDecl>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

type Scalar<T> = T extends 'integer' | 'number' ? number : T extends 'string' ? string : T extends 'boolean' ? boolean : T extends 'array' ? readonly unknown[] : unknown;
type ValueOf<D> = (D extends { enum: readonly (infer E)[] } ? E : D extends { type: infer T } ? Scalar<T> : unknown) | (D extends { nullable: true } ? null : never);

/** The validated value of every setting, typed from its declaration. */
export type Settings = { readonly [K in SettingKey]: ValueOf<(typeof SETTINGS)[K]> };

/** The raw values as a settings provider hands them over (VS Code, the CLI, a test). */
export type RawSettings = { readonly [K in SettingKey]?: unknown };

export interface SettingProblem {
  readonly key: SettingKey;
  /** The name the user knows it by: `chatroomMonitor.target.port`, or the CLI's `--port`. */
  readonly setting: string;
  /** One sentence, starting with the setting's name. */
  readonly message: string;
}

/** Full id of a setting, as in settings.json: `chatroomMonitor.target.port`. */
export function settingId(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}

/** How a setting is named in sentences; the CLI passes its own (flag names). */
export type SettingNamer = (key: SettingKey) => string;

/**
 * Validates raw values against the declarations. Never throws; every bad value
 * gets one sentence and its default (or a clamped value), the rest are kept.
 */
export function validateSettings(raw: RawSettings, nameOf: SettingNamer = settingId): { settings: Settings; problems: SettingProblem[] } {
  const out: Record<string, unknown> = {};
  const problems: SettingProblem[] = [];
  for (const key of SETTING_KEYS) {
    const decl: SettingDecl = SETTINGS[key];
    const bad = (tail: string) => problems.push({ key, setting: nameOf(key), message: l10n.t('{0}: {1} {2}.', nameOf(key), show(raw[key]), tail) });
    out[key] = validateOne(decl, raw[key], bad);
  }
  return { settings: out as Settings, problems };
}

function validateOne(decl: SettingDecl, v: unknown, bad: (tail: string) => void): unknown {
  if (v === undefined || v === null) {
    return decl.default;
  }
  const unit = decl.unit ? ` ${unitWord(decl.unit)}` : '';
  const fallback = decl.default === null ? l10n.t('clearing it') : l10n.t('using {0}', `${show(decl.default)}${unit}`);
  switch (decl.type) {
    case 'integer':
    case 'number': {
      const min = decl.minimum ?? -Infinity;
      const max = decl.maximum ?? Infinity;
      if (decl.outOfRange === 'reject') {
        const ok = typeof v === 'number' && Number.isFinite(v) && (decl.type === 'number' || Number.isInteger(v)) && v >= min && v <= max;
        if (!ok) {
          bad(decl.invalid?.() ?? l10n.t('is not a number from {0} to {1}; {2}', min, max, fallback));
          return decl.default;
        }
        return v;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        bad(l10n.t('is not a number; {0}', fallback));
        return decl.default;
      }
      const n = decl.type === 'integer' ? Math.round(v) : v;
      const clamped = Math.min(max, Math.max(min, n));
      if (clamped !== n) {
        bad(l10n.t('is outside {0}–{1}; using {2}', min, `${max}${unit}`, `${clamped}${unit}`));
      }
      return clamped;
    }
    case 'string': {
      if (typeof v !== 'string') {
        bad(decl.invalid?.() ?? l10n.t('is not text; {0}', fallback));
        return decl.default;
      }
      if (decl.enum && !decl.enum.includes(v)) {
        bad(l10n.t('is not one of {0}; {1}', decl.enum.join(', '), fallback));
        return decl.default;
      }
      const problem = decl.check?.(v as never);
      if (problem) {
        bad(problem);
        return decl.default;
      }
      const text = decl.maxLength !== undefined ? v.trim() : v;
      if (decl.maxLength !== undefined && text.length > decl.maxLength) {
        bad(l10n.t('is longer than {0} characters; using the first {0}', decl.maxLength));
        return text.slice(0, decl.maxLength);
      }
      return text;
    }
    case 'boolean':
      if (typeof v !== 'boolean') {
        bad(l10n.t('must be true or false; {0}', fallback));
        return decl.default;
      }
      return v;
    case 'array': {
      if (!Array.isArray(v)) {
        bad(decl.invalid?.() ?? l10n.t('must be a list; {0}', fallback));
        return decl.default;
      }
      const problem = decl.check?.(v as never);
      if (problem) {
        bad(problem);
        return decl.default;
      }
      return v;
    }
    default:
      return v;
  }
}

/** A declaration's unit word in the display language ("ms" and "MiB" are written the same in Chinese). */
function unitWord(unit: string): string {
  switch (unit) {
    case 'minutes':
      return l10n.t('minutes');
    case 'days':
      return l10n.t('days');
    case 'series':
      return l10n.t('series');
    default:
      return unit;
  }
}

/** The keys whose raw values differ (deep, as JSON), in declaration order. */
export function changedSettings(before: RawSettings | undefined, after: RawSettings): SettingKey[] {
  return SETTING_KEYS.filter((k) => before === undefined || JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** One change of the settings: every value, validated, and which keys changed (all of them the first time). */
export interface SettingsChange<P = unknown> {
  readonly parsed: P;
  readonly changed: ReadonlySet<SettingKey>;
}

/** True when one of the changed keys belongs to `part`. */
export function touches(changed: ReadonlySet<SettingKey>, part: SettingPart): boolean {
  for (const k of changed) {
    if (SETTINGS[k].part === part) {
      return true;
    }
  }
  return false;
}

/** The keys of one part, for routing the change event. */
export function keysOf(part: SettingPart): SettingKey[] {
  return SETTING_KEYS.filter((k) => SETTINGS[k].part === part);
}

/** `"text"`, `12`, `[1,2]`: a raw value quoted in a sentence. */
export function show(v: unknown): string {
  if (typeof v === 'string') {
    return `"${v.length > 60 ? v.slice(0, 60) + '…' : v}"`;
  }
  const json = JSON.stringify(v);
  return json === undefined ? String(v) : json.length > 60 ? json.slice(0, 60) + '…' : json;
}
