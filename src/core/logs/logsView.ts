/**
 * The Logs view's model on the host side (no vscode): the kept lines filtered by level,
 * error group and text, served a window of rows at a time, and the error groups with
 * their sparklines and frames. The filtered list is an index of sequence numbers built
 * once per filter and then extended only by the lines that arrived since, so a page
 * scrolling through 100,000 lines asks for a screen of rows and gets it in microseconds.
 */
import { LOGS_LEVEL_KEYS, LogsFilterDto, LogsFrameDto, LogsGroupDto, LogsLevelKey, LogsRowDto, LogsStateMessage } from '../../shared/logsProtocol';
import { ErrorGroup } from './errorGroups';
import { FrameMapper } from './frameMapper';
import { KeptLine } from './keptLines';
import { LogPipeline } from './logPipeline';
import { mapGroupFrames, ReportFrame } from './logReport';
import { parseLine } from './parseLine';

export const ALL_LEVELS_FILTER: LogsFilterDto = { levels: [...LOGS_LEVEL_KEYS], text: '' };

/** Groups sent to the page at most (the most frequent). */
const MAX_VIEW_GROUPS = 50;
/** Frames per group in the view. */
const MAX_VIEW_FRAMES = 10;

export interface FrameTarget {
  /** Absolute path of the file to open. */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

export class LogsViewModel {
  private filter: LogsFilterDto = ALL_LEVELS_FILTER;
  private levelSet = new Set<LogsLevelKey>(LOGS_LEVEL_KEYS);
  private needle = '';
  /** Matching seqs in order; entries before `head` were evicted from the ring. */
  private index: number[] = [];
  private head = 0;
  private scannedTo = 0;
  /** Top workspace frame per group id, computed once per group (source maps are read once). */
  private readonly frameCache = new Map<string, ReportFrame[]>();

  constructor(
    private readonly pipeline: LogPipeline,
    private readonly mapper: FrameMapper,
    /** Paths in labels are relative to this (the first workspace folder). */
    private readonly base?: string,
  ) {}

  get currentFilter(): LogsFilterDto {
    return this.filter;
  }

  setFilter(filter: LogsFilterDto): void {
    this.filter = filter;
    this.levelSet = new Set(filter.levels);
    this.needle = filter.text.trim().toLowerCase();
    this.index = [];
    this.head = 0;
    this.scannedTo = 0;
  }

  /** Rows matching the filter now. */
  total(): number {
    if (this.unfiltered()) return this.pipeline.kept.size;
    this.update();
    return this.index.length - this.head;
  }

  /** Up to `count` rows from position `from` of the filtered list, oldest first. */
  rows(from: number, count: number): LogsRowDto[] {
    const kept = this.pipeline.kept;
    const out: LogsRowDto[] = [];
    if (this.unfiltered()) {
      const first = kept.total - kept.size;
      for (let i = from; i < Math.min(kept.size, from + count); i++) out.push(this.row(kept.at(first + i)));
      return out;
    }
    this.update();
    const end = Math.min(this.index.length, this.head + from + count);
    for (let i = this.head + from; i < end; i++) out.push(this.row(kept.at(this.index[i]!)));
    return out;
  }

  groups(nowMs: number): LogsGroupDto[] {
    const tracker = this.pipeline.groups;
    return tracker
      .list()
      .slice(0, MAX_VIEW_GROUPS)
      .map((g) => ({
        id: g.id,
        type: g.type,
        message: g.message,
        count: g.count,
        firstSeenMs: g.firstSeenMs,
        lastSeenMs: g.lastSeenMs,
        sparkline: tracker.sparkline(g, nowMs),
        regression: g.regressedAtMs !== undefined,
        frames: this.frames(g).map(frameDto),
      }));
  }

  state(nowMs: number, notes: readonly string[] = []): LogsStateMessage {
    const counts = this.pipeline.levelCounts;
    return {
      type: 'state',
      total: this.total(),
      kept: this.pipeline.kept.size,
      levels: { ...counts },
      groups: this.groups(nowMs),
      filter: this.filter,
      notes: [...notes],
    };
  }

  /** The file and line a click on frame `index` of a group opens; undefined when it is not a file in the workspace. */
  frameTarget(groupId: string, index: number): FrameTarget | undefined {
    const g = this.pipeline.groups.get(groupId);
    const raw = g?.frames[index];
    if (!g || !raw) return undefined;
    const m = this.mapper.map(raw);
    if (!m.inWorkspace) return undefined;
    return { file: m.file, line: m.line, ...(m.column !== undefined ? { column: m.column } : {}) };
  }

  private unfiltered(): boolean {
    return this.levelSet.size === LOGS_LEVEL_KEYS.length && this.needle === '' && this.filter.groupId === undefined;
  }

  /** Drops evicted seqs from the index and adds the lines that arrived since the last call. */
  private update(): void {
    const kept = this.pipeline.kept;
    const first = kept.total - kept.size;
    while (this.head < this.index.length && this.index[this.head]! < first) this.head++;
    if (this.head > 4096 && this.head > this.index.length / 2) {
      this.index = this.index.slice(this.head);
      this.head = 0;
    }
    for (let seq = Math.max(this.scannedTo, first); seq < kept.total; seq++) {
      if (this.matches(kept.at(seq))) this.index.push(seq);
    }
    this.scannedTo = kept.total;
  }

  private matches(l: KeptLine): boolean {
    if (!this.levelSet.has(l.level ?? 'unknown')) return false;
    if (this.filter.groupId !== undefined && l.groupId !== this.filter.groupId) return false;
    return this.needle === '' || l.text.toLowerCase().includes(this.needle);
  }

  private row(l: KeptLine): LogsRowDto {
    const g = l.groupId !== undefined ? this.pipeline.groups.get(l.groupId) : undefined;
    const frames = g ? this.frames(g) : [];
    const top = frames.findIndex((f) => f.inWorkspace);
    return {
      seq: l.seq,
      timeMs: l.timeMs,
      level: l.level ?? 'unknown',
      source: this.mapper.relative(l.source, this.base),
      text: l.text,
      ...structuredMessage(l.text),
      ...(l.groupId !== undefined ? { groupId: l.groupId } : {}),
      ...(top >= 0 ? { frame: frameDto(frames[top]!, top) } : {}),
    };
  }

  private frames(g: ErrorGroup): ReportFrame[] {
    let f = this.frameCache.get(g.id);
    if (!f) {
      if (this.frameCache.size >= 500) this.frameCache.clear();
      f = mapGroupFrames(g, this.mapper, this.base, MAX_VIEW_FRAMES);
      this.frameCache.set(g.id, f);
    }
    return f;
  }
}

/**
 * The message of a structured line, re-read from the kept text for the rows on screen only
 * (keeping it per line would double the ring's memory). Plain text lines have none: the
 * text is the message.
 */
function structuredMessage(text: string): { message?: string } {
  const nl = text.indexOf('\n');
  const parsed = parseLine(nl >= 0 ? text.slice(0, nl) : text);
  if (parsed.format !== 'json' && parsed.format !== 'logfmt') return {};
  const err = parsed.error;
  const errText = err ? `${err.type}: ${err.message}` : '';
  const message = parsed.message && errText && !parsed.message.includes(err!.message) ? `${parsed.message} — ${errText}` : parsed.message || errText;
  return message ? { message } : {};
}

function frameDto(f: ReportFrame, index: number): LogsFrameDto {
  return {
    index,
    label: `${f.file}:${f.line}${f.column !== null ? `:${f.column}` : ''}`,
    inWorkspace: f.inWorkspace,
    ...(f.function ? { function: f.function } : {}),
  };
}
