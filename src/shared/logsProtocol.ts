/**
 * Messages between the Logs view page (src/webview/logs) and its host
 * (src/vscode/logs/logsViewPanel.ts). The host keeps the lines (up to 100,000) and
 * filters them; the page asks only for the rows it shows, so scrolling through all
 * of them costs one small message per screen, never the whole list.
 *
 * Text in these messages comes from the watched server (log lines, error messages,
 * file paths): the page shows it through `textContent` after the inert-text module.
 */

export const LOGS_LEVEL_KEYS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'unknown'] as const;
export type LogsLevelKey = (typeof LOGS_LEVEL_KEYS)[number];

/** What the list shows: levels switched on, one error group or all, a text to contain. */
export interface LogsFilterDto {
  readonly levels: readonly LogsLevelKey[];
  readonly groupId?: string;
  /** Case-insensitive substring; empty = no text filter. */
  readonly text: string;
}

export interface LogsFrameDto {
  /** Index into the group's frames: the page sends it back to open the file (never a path). */
  readonly index: number;
  /** "src/rooms.ts:42:7", relative to the workspace. */
  readonly label: string;
  readonly function?: string;
  readonly inWorkspace: boolean;
}

export interface LogsGroupDto {
  readonly id: string;
  readonly type: string;
  readonly message: string;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Occurrences per 10 s bucket over the last 5 minutes, oldest first. */
  readonly sparkline: readonly number[];
  readonly regression: boolean;
  readonly frames: readonly LogsFrameDto[];
}

export interface LogsRowDto {
  readonly seq: number;
  readonly timeMs: number;
  readonly level: LogsLevelKey;
  readonly source: string;
  /** The event's text (a multi-line event keeps its line breaks; the page shows the first line and the rest on demand). */
  readonly text: string;
  /**
   * What the line says, for a structured line (JSON, logfmt): its message and error, so the
   * row reads "chat handler failed — TypeError: …" rather than the raw JSON, kept in `text`.
   */
  readonly message?: string;
  readonly groupId?: string;
  /** The group's top frame in the workspace, clickable. */
  readonly frame?: LogsFrameDto;
}

export interface LogsStateMessage {
  readonly type: 'state';
  /** Rows that match the filter (the list's height). */
  readonly total: number;
  /** Every kept line, before the filter. */
  readonly kept: number;
  readonly levels: Readonly<Record<LogsLevelKey, number>>;
  readonly groups: readonly LogsGroupDto[];
  readonly filter: LogsFilterDto;
  /** Sentences about the sources: no log configured, a file not there yet. */
  readonly notes: readonly string[];
}

export interface LogsRowsMessage {
  readonly type: 'rows';
  /** Index (in the filtered list) of the first row. */
  readonly from: number;
  readonly total: number;
  readonly rows: readonly LogsRowDto[];
  /** Echo of the request, so the page drops answers to an older one. */
  readonly requestId: number;
}

export type LogsHostToPage = LogsStateMessage | LogsRowsMessage;

export type LogsPageToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'filter'; readonly filter: LogsFilterDto }
  | { readonly type: 'rows'; readonly from: number; readonly count: number; readonly requestId: number }
  | { readonly type: 'openFrame'; readonly groupId: string; readonly index: number };

/** Rows the page may ask for at once (a screen or two). */
export const MAX_ROWS_PER_REQUEST = 500;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isCount(v: unknown, max = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/** A filter from the page, checked; undefined when malformed. */
export function checkLogsFilter(v: unknown): LogsFilterDto | undefined {
  if (!isObject(v) || !Array.isArray(v.levels) || typeof v.text !== 'string' || v.text.length > 500) return undefined;
  if (!v.levels.every((l) => (LOGS_LEVEL_KEYS as readonly unknown[]).includes(l))) return undefined;
  if (v.groupId !== undefined && (typeof v.groupId !== 'string' || v.groupId.length > 200)) return undefined;
  return { levels: [...new Set(v.levels as LogsLevelKey[])], text: v.text, ...(typeof v.groupId === 'string' ? { groupId: v.groupId } : {}) };
}

/** A message from the page, checked; a sentence saying what is wrong, or the message. */
export function checkLogsPageMessage(v: unknown): LogsPageToHost | string {
  if (!isObject(v) || typeof v.type !== 'string') return 'a Logs view message needs a type';
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'filter': {
      const filter = checkLogsFilter(v.filter);
      return filter ? { type: 'filter', filter } : 'a Logs view filter needs levels (known names) and a text of at most 500 characters';
    }
    case 'rows':
      return isCount(v.from) && isCount(v.count, MAX_ROWS_PER_REQUEST) && isCount(v.requestId)
        ? { type: 'rows', from: v.from, count: v.count, requestId: v.requestId }
        : `a Logs view rows request needs from, count (at most ${MAX_ROWS_PER_REQUEST}) and requestId`;
    case 'openFrame':
      return typeof v.groupId === 'string' && v.groupId.length <= 200 && isCount(v.index, 100)
        ? { type: 'openFrame', groupId: v.groupId, index: v.index }
        : 'a Logs view openFrame needs a groupId and a frame index';
    default:
      return `unknown Logs view message type "${v.type.slice(0, 40)}"`;
  }
}
