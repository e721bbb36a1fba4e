/**
 * The page's side of the VS Code webview API, and the small UI state it keeps
 * across reloads. Only UI choices are saved (range, paused, hidden and picked
 * series), never data: the host resends data on `ready`.
 */
import { RANGE_IDS, RangeId, WebviewToHost } from '../shared/protocol';

export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: UiState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** `acquireVsCodeApi` may be called once per page; this is that once. */
export function getVsCodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}

export interface UiState {
  range?: RangeId;
  paused: boolean;
  /** Series keys switched off in chart legends. */
  hidden: string[];
  /** Server series picked for the server-metrics chart; undefined = host's default. */
  selected?: string[];
}

/** Reads saved state defensively: it may come from an older version of the page. */
export function readUiState(raw: unknown): UiState {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]).slice(0, 200) : undefined;
  return {
    range: typeof s.range === 'string' && (RANGE_IDS as readonly string[]).includes(s.range) ? (s.range as RangeId) : undefined,
    paused: s.paused === true,
    hidden: strings(s.hidden) ?? [],
    selected: strings(s.selected),
  };
}
