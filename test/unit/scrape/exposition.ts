/**
 * Real exposition bodies for the scrape tests and the parse measurement: written by
 * prom-client itself (the library the example Node chat server uses), not by hand.
 */
import { Counter, Gauge, Histogram, Registry, RegistryContentType, Summary, collectDefaultMetrics } from 'prom-client';

export interface ChatRegistry {
  readonly register: Registry<RegistryContentType>;
  readonly messages: Counter;
  readonly activeUsers: Gauge;
  readonly latency: Histogram;
}

/** A registry shaped like the example chat server's: default metrics plus chat metrics. */
export function chatRegistry(openMetrics: boolean): ChatRegistry {
  const register = new Registry<RegistryContentType>();
  if (openMetrics) {
    register.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  }
  collectDefaultMetrics({ register });
  const messages = new Counter({ name: 'chat_messages_total', help: 'Chat messages sent.', registers: [register] });
  const activeUsers = new Gauge({
    name: 'chat_active_users',
    help: 'Users connected, by room.',
    labelNames: ['room'],
    registers: [register],
  });
  const latency = new Histogram({
    name: 'chat_message_latency_seconds',
    help: 'Time from receiving a message to broadcasting it.',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [register],
  });
  return { register, messages, activeUsers, latency };
}

/**
 * A body of about `lines` lines: per-room gauges, a labelled counter, a labelled
 * histogram and a summary — the mix a busy chat server exposes. Room names carry
 * quotes, backslashes and unicode so escapes are on the measured path too.
 */
export async function bigBody(lines: number, openMetrics: boolean): Promise<string> {
  const register = new Registry<RegistryContentType>();
  if (openMetrics) {
    register.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  }
  const users = new Gauge({ name: 'chat_room_users', help: 'Users per room.', labelNames: ['room', 'shard'], registers: [register] });
  const sent = new Counter({ name: 'chat_room_messages_total', help: 'Messages per room.', labelNames: ['room'], registers: [register] });
  const latency = new Histogram({
    name: 'chat_room_latency_seconds',
    help: 'Broadcast latency per room.',
    labelNames: ['room'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [register],
  });
  const size = new Summary({ name: 'chat_message_bytes', help: 'Message sizes.', registers: [register] });
  // Each room costs 1 gauge + 1 counter + 11 histogram lines = 13 lines.
  const rooms = Math.max(1, Math.round(lines / 13));
  for (let r = 0; r < rooms; r++) {
    const room = r % 10 === 0 ? `salle "${r}" \\ café ☕` : `room-${r}`;
    users.set({ room, shard: String(r % 4) }, (r * 7) % 50);
    sent.inc({ room }, r * 13 + 1);
    latency.observe({ room }, (r % 9) * 0.013);
    size.observe(r * 3);
  }
  return register.metrics();
}
