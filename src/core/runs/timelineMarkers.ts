/**
 * Moments worth a line on the charts, from the events in the history on disk: each
 * run of the server starting (a start, or a restart after another run) with its pid
 * and commit, and each file saved in the workspace — so "p95 rose 40 s after you
 * saved rooms.ts" can be seen. The labels are workspace and server text: made
 * visible and bounded here (inertText), and drawn as text only.
 */
import { visibleText } from '../text/inertText';
import type { HistoryEvent } from '../store/historyLog';
import { RUN_START } from './runs';

/** A file saved in the workspace (data: `path`, relative to the workspace folder). */
export const FILE_SAVED = 'fileSaved';

export interface TimelineMarker {
  readonly kind: 'run' | 'save';
  readonly fromMs: number;
  readonly label: string;
}

/** Most moments drawn on a chart: a save-on-every-keystroke workspace must not paint it solid. */
export const MAX_TIMELINE_MARKERS = 200;

const LABEL_CHARS = 48;

export function timelineMarkers(events: readonly HistoryEvent[]): TimelineMarker[] {
  const out: TimelineMarker[] = [];
  for (const e of events) {
    if (e.kind === RUN_START) {
      const pid = typeof e.data['pid'] === 'number' ? `pid ${e.data['pid']}` : 'server';
      const commit = typeof e.data['commit'] === 'string' ? ` · ${e.data['commit'].slice(0, 7)}${e.data['dirty'] === true ? '*' : ''}` : '';
      out.push({ kind: 'run', fromMs: e.timeMs, label: visibleText(`${pid}${commit}`, LABEL_CHARS, false) });
    } else if (e.kind === FILE_SAVED && typeof e.data['path'] === 'string') {
      const file = e.data['path'].split(/[\\/]/).pop() || e.data['path'];
      out.push({ kind: 'save', fromMs: e.timeMs, label: visibleText(file, LABEL_CHARS, false) });
    }
  }
  return out.slice(-MAX_TIMELINE_MARKERS);
}
