// Fixture messages for the dashboard page: a catalogue like the real monitor's,
// columns of plausible values, alerts, issues and markers. Deterministic.

export const HOSTILE = ['<img src=x onerror=alert(1)>', '</script><script>alert(1)</script>'];

const FIXED = [
  { name: 'process_cpu_usage_percent', unit: 'percent', chart: 'processCpu', role: 'cpu' },
  { name: 'process_resident_memory_bytes', unit: 'bytes', chart: 'processMemory', role: 'memory' },
  { name: 'system_cpu_usage_percent', unit: 'percent', chart: 'systemUsage' },
  { name: 'system_memory_usage_percent', unit: 'percent', chart: 'systemUsage' },
  { name: 'system_network_receive_bytes_per_second', unit: 'bytesPerSecond', chart: 'systemNetwork' },
  { name: 'system_network_transmit_bytes_per_second', unit: 'bytesPerSecond', chart: 'systemNetwork' },
];

const SERVER = [
  { name: 'chat_active_users', unit: 'count', chart: 'server', role: 'activeUsers', help: 'Users connected now' },
  { name: 'chat_messages_per_second', unit: 'perSecond', chart: 'server', role: 'messagesPerSecond' },
  { name: 'chat_response_time_seconds_p95', unit: 'seconds', chart: 'server', role: 'latencyP95' },
  { name: 'chat_errors_per_second', unit: 'perSecond', chart: 'server', role: 'errorRate' },
  { name: 'chat_rooms', unit: 'count', chart: 'server' },
  { name: 'chat_event_loop_lag_seconds', unit: 'seconds', chart: 'server' },
];

function key(name, labels) {
  const ks = Object.keys(labels).sort();
  return ks.length ? `${name}{${ks.map((k) => `${k}="${labels[k].replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}` : name;
}

/** 12 series (6 own, 6 scraped). `hostile` gives two scraped series hostile label values and help. */
export function catalogue({ hostile = false, withErrorRate = true } = {}) {
  const out = FIXED.map((s) => ({ key: s.name, labels: {}, ...s }));
  for (const s of SERVER) {
    if (!withErrorRate && s.role === 'errorRate') {
      continue;
    }
    out.push({ key: s.name, labels: {}, ...s });
  }
  if (hostile) {
    HOSTILE.forEach((v, i) => {
      const labels = { room: v };
      out.push({ key: key('chat_room_users', labels), name: 'chat_room_users', labels, unit: 'count', chart: 'server', help: HOSTILE[1 - i] });
    });
  }
  return out;
}

function valueOf(name, i, seriesIndex) {
  const wave = Math.sin((i + seriesIndex * 17) / 40);
  switch (name) {
    case 'process_cpu_usage_percent':
      return 20 + 15 * wave + (i % 7);
    case 'process_resident_memory_bytes':
      return 150e6 + 20e6 * wave + i * 1000;
    case 'system_cpu_usage_percent':
      return 35 + 10 * wave;
    case 'system_memory_usage_percent':
      return 60 + 2 * wave;
    case 'chat_response_time_seconds_p95':
      return 0.05 + 0.02 * wave;
    case 'chat_event_loop_lag_seconds':
      return 0.002 + 0.001 * wave;
    case 'chat_errors_per_second':
      return Math.max(0, 0.2 * wave);
    default:
      return Math.round(100 + 50 * wave + seriesIndex);
  }
}

/** Columns for `series` at 1 point per `stepSec` from `startSec` (x in seconds). */
export function columns(series, { startSec, points, stepSec = 1, offset = 0 }) {
  const x = [];
  for (let i = 0; i < points; i++) {
    x.push(startSec + i * stepSec);
  }
  const y = series.map((s, j) => x.map((_, i) => valueOf(s.name, i + offset, j)));
  return { x, keys: series.map((s) => s.key), y };
}

export const T0_SEC = Date.UTC(2026, 0, 1, 10, 0, 0) / 1000;

export function alerts({ hostile = false } = {}) {
  return [
    {
      id: 'cpu-high',
      level: 'warning',
      state: 'firing',
      title: hostile ? HOSTILE[0] : 'CPU above 80%',
      message: hostile ? HOSTILE[1] : 'process_cpu_usage_percent has been above 80% for 60 s (now 86%).',
      sinceMs: (T0_SEC + 100) * 1000,
      inhibited: false,
    },
    {
      id: 'mem-growth',
      level: 'critical',
      state: 'pending',
      title: 'Memory growing',
      message: 'RSS grew 40 MB in 10 minutes.',
      sinceMs: (T0_SEC + 200) * 1000,
      inhibited: false,
    },
  ];
}

export function issues({ hostile = false } = {}) {
  return [
    {
      id: 'cpu',
      severity: 'warning',
      title: hostile ? HOSTILE[1] : 'High CPU usage',
      summary: hostile ? HOSTILE[0] : 'CPU averaged 86% over the last 5 minutes.',
      evidence: [
        { label: 'average CPU', value: '86%' },
        { label: hostile ? HOSTILE[0] : 'messages/s', value: hostile ? HOSTILE[1] : '120/s' },
      ],
      recommendations: {
        now: ['Optimise CPU-heavy handlers (JSON parsing, broadcast loops).'],
        investigate: ['Profile the server with --cpu-prof during peak load.'],
      },
    },
  ];
}

export function initMessage({ hostile = false, withErrorRate = true, points = 300, range = '5m', startSec = T0_SEC, selected } = {}) {
  const cat = catalogue({ hostile, withErrorRate });
  const server = cat.filter((s) => s.chart === 'server');
  const selectedSeries = selected ?? (hostile ? server.filter((s) => s.name === 'chat_room_users').map((s) => s.key) : server.slice(0, 4).map((s) => s.key));
  const dataKeys = cat.filter((s) => s.chart !== 'server' || s.role || selectedSeries.includes(s.key));
  return {
    type: 'init',
    header: { name: hostile ? HOSTILE[0] : 'chat', pid: 4242, port: 8080, uptimeSeconds: 3725, status: 'warning', state: 'running' },
    catalogue: cat,
    range,
    columns: columns(dataKeys, { startSec, points }),
    alerts: alerts({ hostile }),
    issues: issues({ hostile }),
    markers: [
      { kind: 'alert', fromMs: (startSec + points * 0.25) * 1000, toMs: (startSec + points * 0.5) * 1000, level: 'warning' },
      { kind: 'anomaly', fromMs: (startSec + points * 0.7) * 1000, toMs: (startSec + points * 0.8) * 1000, seriesKey: 'process_cpu_usage_percent' },
    ],
    ui: { range, intervalMs: 1000, maxPoints: 3600, selectedSeries },
  };
}
