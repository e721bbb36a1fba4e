import * as l10n from '@vscode/l10n';
import { Clock, TimerHandle } from '../clock';
import { levelWord } from '../i18n/words';
import { Disposable, Emitter, Event } from '../events';
import { inertNotificationText, visibleText } from '../text/inertText';
import { AlertTransition } from './alert';
import { ALERT_LEVELS, AlertLevel, levelRank } from '../../shared/vocabulary';

/** What the notifier would show for one transition. */
export interface AlertNotification {
  readonly alertId: string;
  readonly level: AlertLevel;
  /** `firing` also covers reminders (snooze ended, no longer inhibited). */
  readonly kind: 'firing' | 'resolved';
  readonly title: string;
  readonly message: string;
}

/** Everything held back in one window, shown as a single notification. */
export interface GroupedSummary {
  readonly count: number;
  readonly highestLevel: AlertLevel;
  readonly countByLevel: Readonly<Record<AlertLevel, number>>;
  /** Titles of the first few held-back notifications, most severe first (visible text, capped). */
  readonly titles: readonly string[];
  /** "And 47 more alert notifications (2 critical, 45 warning): A, B, C…", inert notification text. */
  readonly message: string;
}

export type OfferResult = 'show' | 'grouped' | 'filtered';

export interface NotificationThrottleOptions {
  /** Notifications (summaries included) shown per rolling window. Default 3. */
  readonly maxPerWindow?: number;
  /** Default 60 000 (a rolling minute). */
  readonly windowMs?: number;
  /** Lower levels are filtered out (`chatroomMonitor.alerts.minimumLevel`). Default `info`. */
  readonly minimumLevel?: AlertLevel;
  /** Whether "resolved" notifications are shown (`chatroomMonitor.alerts.notifyResolved`). Default true. */
  readonly notifyResolved?: boolean;
}

const SUMMARY_TITLES = 5;
/** Caps for what a notification quotes: a title (with label values), a message, the whole text. */
const TITLE_CHARS = 200;
const MESSAGE_CHARS = 400;
const NOTIFICATION_CHARS = 700;

/**
 * What the notification for `n` says (after the extension's name), as inert text:
 * titles and messages carry label values chosen by chat users, and a notification
 * turns `[label](command:…)` into a live link.
 */
export function notificationText(n: AlertNotification): string {
  const title = visibleText(n.title, TITLE_CHARS);
  // Critical stays a non-modal error notification, made prominent by its first word.
  const prefix = n.kind === 'firing' && n.level === 'critical' ? `${l10n.t('CRITICAL')} — ` : '';
  return inertNotificationText(n.kind === 'resolved' ? title : `${prefix}${l10n.t('{0}: {1}', title, visibleText(n.message, MESSAGE_CHARS))}`, NOTIFICATION_CHARS);
}

/** The notification for a transition the engine marked `notify`, else undefined. */
export function notificationFor(t: AlertTransition): AlertNotification | undefined {
  if (!t.notify || (t.to !== 'firing' && t.to !== 'resolved')) {
    return undefined;
  }
  return {
    alertId: t.alert.id,
    level: t.alert.level,
    kind: t.to,
    title: t.to === 'resolved' ? l10n.t('Resolved: {0}', t.alert.title) : t.alert.title,
    message: t.alert.message,
  };
}

/**
 * The storm guard, pure and clock-driven. At most `maxPerWindow` notifications are
 * shown per rolling window (a resolved one counts too); the rest are held and, as soon
 * as the window has room again, emitted once as a summary on `onSummary` so the user
 * always learns about them without a stack of toasts. The level filter and the
 * notifyResolved switch live here, not in the engine, so the dashboard and history
 * still see every alert whatever the notification settings are.
 */
export class NotificationThrottle implements Disposable {
  private shownAtMs: number[] = [];
  private held: AlertNotification[] = [];
  private timer: TimerHandle | undefined;
  private opts: Required<NotificationThrottleOptions>;
  private readonly summaryEmitter = new Emitter<GroupedSummary>();

  /** Fires when held notifications can be shown, as one summary (already counted in the window). */
  readonly onSummary: Event<GroupedSummary> = this.summaryEmitter.event;

  constructor(
    private readonly clock: Clock,
    options: NotificationThrottleOptions = {},
  ) {
    this.opts = normalize(options);
  }

  /** Applies changed settings; held notifications stay held. */
  updateOptions(options: NotificationThrottleOptions): void {
    this.opts = normalize(options);
  }

  /** Number of notifications currently held for the next summary. */
  get heldCount(): number {
    return this.held.length;
  }

  /** 'show': show it now; 'grouped': held for the summary; 'filtered': settings say never show it. */
  offer(n: AlertNotification): OfferResult {
    if (levelRank(n.level) < levelRank(this.opts.minimumLevel) || (n.kind === 'resolved' && !this.opts.notifyResolved)) {
      return 'filtered';
    }
    const now = this.clock.now();
    // Held ones go first: a new notification must not overtake older ones.
    if (this.held.length === 0 && this.hasRoom(now)) {
      this.shownAtMs.push(now);
      return 'show';
    }
    this.held.push(n);
    this.schedule(now);
    return 'grouped';
  }

  /**
   * Returns (and counts as shown) the summary of held notifications if the window has
   * room now; undefined when nothing is held or the window is still full.
   */
  flush(): GroupedSummary | undefined {
    const now = this.clock.now();
    if (this.held.length === 0 || !this.hasRoom(now)) {
      return undefined;
    }
    const summary = summarize(this.held);
    this.held = [];
    this.shownAtMs.push(now);
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    return summary;
  }

  dispose(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.held = [];
    this.summaryEmitter.dispose();
  }

  private hasRoom(now: number): boolean {
    const from = now - this.opts.windowMs;
    this.shownAtMs = this.shownAtMs.filter((t) => t > from);
    return this.shownAtMs.length < this.opts.maxPerWindow;
  }

  private schedule(now: number): void {
    if (this.timer !== undefined) {
      return;
    }
    this.hasRoom(now);
    // The window has room again when its oldest notification drops out of it.
    const oldest = this.shownAtMs[0] ?? now;
    const delayMs = Math.max(0, oldest + this.opts.windowMs - now);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      const summary = this.flush();
      if (summary) {
        this.summaryEmitter.fire(summary);
      } else if (this.held.length > 0) {
        this.schedule(this.clock.now());
      }
    }, delayMs);
  }
}

function normalize(o: NotificationThrottleOptions): Required<NotificationThrottleOptions> {
  const max = o.maxPerWindow;
  const win = o.windowMs;
  return {
    maxPerWindow: max !== undefined && Number.isFinite(max) && max >= 1 ? Math.floor(max) : 3,
    windowMs: win !== undefined && Number.isFinite(win) && win > 0 ? win : 60_000,
    minimumLevel: o.minimumLevel && ALERT_LEVELS.includes(o.minimumLevel) ? o.minimumLevel : 'info',
    notifyResolved: o.notifyResolved ?? true,
  };
}

export function summarize(held: readonly AlertNotification[]): GroupedSummary {
  const countByLevel: Record<AlertLevel, number> = { info: 0, warning: 0, error: 0, critical: 0 };
  for (const n of held) {
    countByLevel[n.level]++;
  }
  const sorted = [...held].sort((a, b) => levelRank(b.level) - levelRank(a.level));
  const highestLevel = sorted[0]?.level ?? 'info';
  const titles = sorted.slice(0, SUMMARY_TITLES).map((n) => visibleText(n.title, 120));
  const levels = [...ALERT_LEVELS]
    .reverse()
    .filter((l) => countByLevel[l] > 0)
    .map((l) => `${countByLevel[l]} ${levelWord(l)}`)
    .join(l10n.t(', '));
  const more = held.length > titles.length ? ', …' : '';
  const count = held.length;
  return {
    count,
    highestLevel,
    countByLevel,
    titles,
    message: inertNotificationText(
      count === 1
        ? l10n.t('And 1 more alert notification ({0}): {1}{2}. Open the dashboard for the full list.', levels, titles.join(l10n.t(', ')), more)
        : l10n.t('And {0} more alert notifications ({1}): {2}{3}. Open the dashboard for the full list.', count, levels, titles.join(l10n.t(', ')), more),
      NOTIFICATION_CHARS,
    ),
  };
}
