import * as l10n from '@vscode/l10n';
import { AlertLevel, AlertState, HealthStatus, ReportWindowId, Severity } from '../../shared/vocabulary';
import type { IssueCategory } from '../analyze/issue';
import { TrendDirection } from '../analyze/trend';
import type { SpanCategory } from '../traces/span';
import type { LogsLevelKey } from '../../shared/logsProtocol';

/**
 * The shared vocabulary (src/shared/vocabulary.ts) in the display language, written once
 * for every surface. The ids themselves stay English wherever they are data (JSON keys
 * and values, settings, the log).
 */

export function levelWord(level: AlertLevel | Severity): string {
  switch (level) {
    case 'info':
      return l10n.t('info');
    case 'warning':
      return l10n.t('warning');
    case 'error':
      return l10n.t('error');
    case 'critical':
      return l10n.t('critical');
  }
}

export function alertStateWord(state: AlertState): string {
  switch (state) {
    case 'inactive':
      return l10n.t('inactive');
    case 'pending':
      return l10n.t('pending');
    case 'firing':
      return l10n.t('firing');
    case 'resolved':
      return l10n.t('resolved');
  }
}

export function healthWord(status: HealthStatus): string {
  switch (status) {
    case 'healthy':
      return l10n.t('healthy');
    case 'warning':
      return l10n.t('warning');
    case 'critical':
      return l10n.t('critical');
    case 'unknown':
      return l10n.t('unknown');
  }
}

export function reportWindowLabel(id: ReportWindowId): string {
  switch (id) {
    case '5m':
      return l10n.t('Last 5 minutes');
    case '30m':
      return l10n.t('Last 30 minutes');
    case '1h':
      return l10n.t('Last hour');
    case 'all':
      return l10n.t('Everything kept');
  }
}

/** A trend's direction in words (report tables, the dashboard's data tables). */
export function trendWord(direction: TrendDirection): string {
  switch (direction) {
    case 'rising':
      return l10n.t('rising');
    case 'falling':
      return l10n.t('falling');
    case 'flat':
      return l10n.t('flat');
  }
}

/** What kind of work a span is, in words: the report's traces tables and the Traces page. */
export function spanCategoryWord(c: SpanCategory): string {
  switch (c) {
    case 'db':
      return l10n.t('database');
    case 'client':
      return l10n.t('outbound call');
    case 'messaging':
      return l10n.t('messaging');
    case 'server':
      return l10n.t('server');
    case 'internal':
      return l10n.t('internal');
  }
}

/**
 * The same, inside a sentence about where time went ("45% … in POST (outbound call)"):
 * a server or internal span is the server's own code.
 */
export function spanCategoryInSentence(c: SpanCategory): string {
  return c === 'server' || c === 'internal' ? l10n.t("the server's own code") : spanCategoryWord(c);
}

/** What an issue is about, in a word (the report's issue headings). */
export function issueCategoryWord(c: IssueCategory): string {
  switch (c) {
    case 'availability':
      return l10n.t('availability');
    case 'cpu':
      return l10n.t('CPU');
    case 'contention':
      return l10n.t('contention');
    case 'memory':
      return l10n.t('memory');
    case 'latency':
      return l10n.t('latency');
    case 'event-loop':
      return l10n.t('event loop');
    case 'gc':
      return l10n.t('GC');
    case 'file-descriptors':
      return l10n.t('file descriptors');
    case 'disk':
      return l10n.t('disk');
    case 'data':
      return l10n.t('data');
  }
}

/**
 * An operation on the server (the audit log's `action` id) in words: the chart lines of
 * automated actions and the Server menu's undo entry. The id stays as it is in the log.
 */
export function actionWord(action: string): string {
  switch (action) {
    case 'start':
      return l10n.t({ message: 'start', comment: 'an operation on the server' });
    case 'stop':
      return l10n.t({ message: 'stop', comment: 'an operation on the server' });
    case 'restart':
      return l10n.t({ message: 'restart', comment: 'an operation on the server' });
    case 'scale':
      return l10n.t({ message: 'scale', comment: 'an operation on the server: change the number of workers' });
    case 'cpuProfile':
      return l10n.t('CPU profile');
    case 'heapProfile':
      return l10n.t('heap snapshot');
    case 'runTask':
      return l10n.t('run task');
    case 'command':
      return l10n.t('run command');
    case 'setCommand':
      return l10n.t('change the start command');
    case 'disableRule':
      return l10n.t('turn a rule off');
    case 'crashLoop':
      return l10n.t('crash loop');
    case 'giveUp':
      return l10n.t('give up restarting');
    case 'undo':
      return l10n.t({ message: 'undo', comment: 'an operation on the server' });
    case 'allowAutomatic':
      return l10n.t('allow automatic actions');
    default:
      return action;
  }
}

/** A log line's level in a word (the Logs page's chips and rows); the id stays as it is in filters and data. */
export function logLevelWord(level: LogsLevelKey): string {
  switch (level) {
    case 'trace':
      return l10n.t({ message: 'trace', comment: 'a log level' });
    case 'debug':
      return l10n.t({ message: 'debug', comment: 'a log level' });
    case 'info':
      return l10n.t({ message: 'info', comment: 'a log level' });
    case 'warn':
      return l10n.t({ message: 'warn', comment: 'a log level' });
    case 'error':
      return l10n.t({ message: 'error', comment: 'a log level' });
    case 'fatal':
      return l10n.t({ message: 'fatal', comment: 'a log level' });
    case 'unknown':
      return l10n.t({ message: 'unknown', comment: 'a log level: the line said none' });
  }
}
