/**
 * The quick input (the command palette and the questions commands ask), driven as a user
 * does — F1, type, the highlighted row, Enter — with each step confirmed in the page
 * before the next, never by waiting a fixed time.
 *
 * Why each step is confirmed: the palette closes itself whenever it loses the focus, and
 * the workbench takes the focus away on its own schedule. After a quick input closes over
 * a webview editor (the Markdown preview, the dashboard), VS Code gives the focus back to
 * the webview 50 ms later (webviewElement.ts `_doFocus`, issue 75209), through a message to
 * the webview's frame: a palette opened in that window closes again at once. The F1 of a
 * webview that has the focus reaches the workbench only through the webview's own
 * messages, too. And the palette's list is filtered after the input event, so for a
 * moment the highlighted row is the one of the previous query. A step that assumed
 * any of these went well lost the command without a word (a CI run's Start Server).
 */
import type { Workbench } from './workbench';

/** What the quick input shows at one moment (read in the page in one go). */
export interface QuickInputState {
  /** The widget is displayed. */
  readonly shown: boolean;
  /** Its text box has the page's focus (keys typed go to it). */
  readonly focused: boolean;
  readonly value: string;
  /** The rendered rows, by list index: each row's label and, when VS Code shows one, the English alias under it. */
  readonly rows: readonly { readonly index: number; readonly names: readonly string[]; readonly highlighted: boolean }[];
  /** How many times the quick input has closed since this page loaded (counted from the first read on). */
  readonly closes: number;
}

/** How long one attempt may wait for the workbench before the step is tried again. */
const STEP_MS = 4000;
/** How long a command may take to ask its question (it may read the history first). */
const QUESTION_MS = 15000;
/** What Playwright says when the page went away under a read (a command reloaded the window). */
const NAVIGATED = /Execution context was destroyed|navigation/i;
/** How long a command may take to be run from the palette, all attempts together. */
const RUN_MS = 30000;

/** Reads the quick input's state in the page. Self-contained: Playwright sends its source. */
function readState(): QuickInputState {
  const widget = document.querySelector('.quick-input-widget') as HTMLElement | null;
  const input = widget?.querySelector('input') as HTMLInputElement | null;
  const shown = !!widget && widget.style.display !== 'none' && widget.offsetParent !== null;
  // Counts the closings as they happen (VS Code shows and hides the one widget by its style),
  // so a wait learns at once that the palette closed under it instead of waiting it out.
  const page = window as unknown as { __crmQuickCloses?: { count: number } };
  if (!page.__crmQuickCloses && widget) {
    const watch = { count: 0, shown };
    page.__crmQuickCloses = watch;
    new MutationObserver(() => {
      const now = widget.style.display !== 'none';
      if (watch.shown && !now) watch.count++;
      watch.shown = now;
    }).observe(widget, { attributes: true, attributeFilter: ['style'] });
  }
  const rows = Array.from(widget?.querySelectorAll('.monaco-list-row') ?? []).map((row) => {
    const names: string[] = [];
    const label = row.querySelector('.quick-input-list-row .label-name');
    if (label?.textContent) names.push(label.textContent.trim());
    // The alias line (an English command name under its translation) counts only while shown: rows are reused.
    const meta = row.querySelector('.quick-input-list-label-meta .monaco-icon-label') as HTMLElement | null;
    const alias = meta?.querySelector('.label-name')?.textContent;
    if (meta && meta.style.display !== 'none' && alias) names.push(alias.trim());
    return { index: Number(row.getAttribute('data-index')), names, highlighted: row.classList.contains('focused') };
  });
  return { shown, focused: shown && !!input && document.activeElement === input, value: input?.value ?? '', rows, closes: page.__crmQuickCloses?.count ?? 0 };
}

/** The quick input's state now. */
export function quickInputState(wb: Workbench): Promise<QuickInputState> {
  return wb.page.evaluate(readState);
}

/** What {@link waitForState} waits for: every field given must hold. */
interface StateWanted {
  readonly shown?: boolean;
  readonly focused?: boolean;
  readonly value?: string;
  /** The quick input is closed, or shows another value (a command replaced the palette with its question). */
  readonly notValue?: string;
  /** The highlighted row has this name. */
  readonly highlighted?: string;
  /** Some row has this name. */
  readonly row?: string;
  /** Give up at once when the quick input closes after this many closings (it closed under the step). */
  readonly closesAt?: number;
}

/**
 * Waits until the quick input's state satisfies `want` (checked in the page on every
 * animation frame); returns the state that did, or the last one seen when `timeoutMs` passed.
 */
async function waitForState(wb: Workbench, want: StateWanted, timeoutMs: number): Promise<{ ok: boolean; state: QuickInputState }> {
  // A string, not a function: a function sent to the page cannot call readState, so its source goes along.
  const predicate = `((w) => {
    const s = (${readState.toString()})();
    const ok =
      (w.shown === undefined || s.shown === w.shown) &&
      (w.focused === undefined || s.focused === w.focused) &&
      (w.value === undefined || s.value === w.value) &&
      (w.notValue === undefined || !s.shown || s.value !== w.notValue) &&
      (w.highlighted === undefined || s.rows.some((r) => r.highlighted && r.names.includes(w.highlighted))) &&
      (w.row === undefined || s.rows.some((r) => r.names.includes(w.row)));
    const gaveUp = w.closesAt !== undefined && s.closes > w.closesAt;
    return ok ? { ok: true, s } : gaveUp ? { ok: false, s } : false;
  })(${JSON.stringify(want)})`;
  const handle = await wb.page.waitForFunction(predicate, undefined, { polling: 'raf', timeout: timeoutMs }).catch(() => undefined);
  if (handle) {
    const r = (await handle.jsonValue()) as { ok: boolean; s: QuickInputState };
    return { ok: r.ok, state: r.s };
  }
  return { ok: false, state: await quickInputState(wb) };
}

/** One line for an error: what the quick input showed. */
function describe(s: QuickInputState): string {
  if (!s.shown) return 'the quick input was closed';
  const hl = s.rows.find((r) => r.highlighted);
  return `the quick input showed ${JSON.stringify(s.value)}${s.focused ? '' : ' without the focus'}, highlighted row ${hl ? JSON.stringify(hl.names[0] ?? '') : 'none'} of ${s.rows.length}`;
}

/**
 * Opens the command palette with `>query` typed, the focus in its text box. Presses F1
 * again when the palette did not open, or closed again (a webview took the focus back).
 * Throws after {@link RUN_MS} with what was seen.
 */
export async function openPalette(wb: Workbench, query: string): Promise<QuickInputState> {
  const deadline = Date.now() + RUN_MS;
  const value = `>${query}`;
  const seen: string[] = [];
  for (;;) {
    let s = await quickInputState(wb);
    if (!s.shown || !s.focused) {
      await wb.page.keyboard.press('F1');
      const opened = await waitForState(wb, { shown: true, focused: true, closesAt: s.closes }, STEP_MS);
      s = opened.state;
      if (!opened.ok) {
        seen.push(`F1: ${describe(s)}`);
      }
    }
    if (s.shown && s.focused) {
      if (s.value !== value) {
        await wb.page.locator('.quick-input-widget input').fill(value, { timeout: STEP_MS }).catch(() => undefined);
      }
      // Still open, still ours, with the query in it: a focus taken while typing closes it.
      const typed = await waitForState(wb, { shown: true, focused: true, value, closesAt: s.closes }, STEP_MS);
      if (typed.ok) {
        if (seen.length > 0) {
          console.log(`    palette: opened for ${JSON.stringify(query)} after ${seen.length} retr${seen.length === 1 ? 'y' : 'ies'} (${seen.join('; ')})`);
        }
        return typed.state;
      }
      seen.push(`typing: ${describe(typed.state)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`the command palette did not stay open with ${JSON.stringify(value)} in ${RUN_MS / 1000} s: ${seen.slice(-4).join('; ')}`);
    }
  }
}

/**
 * Arms a one-shot recorder of the next Enter's keydown (capture phase, before the quick
 * input sees it): whether it reached the quick input's text box, and which row was
 * highlighted then — the row that Enter accepts.
 */
async function armEnterWitness(wb: Workbench): Promise<void> {
  await wb.page.evaluate(`(() => {
    const readState = ${readState.toString()};
    window.__crmEnter = null;
    const onKey = (e) => {
      if (e.key !== 'Enter') return;
      document.removeEventListener('keydown', onKey, true);
      const s = readState();
      const input = document.querySelector('.quick-input-widget input');
      const row = s.rows.find((r) => r.highlighted);
      window.__crmEnter = { reached: e.isTrusted && e.target === input && s.focused, value: s.value, highlighted: row ? row.names : [] };
    };
    document.addEventListener('keydown', onKey, true);
  })()`);
}

/** What the armed recorder saw (null: no Enter reached the workbench's page — the focus was in a frame). */
async function enterWitness(wb: Workbench): Promise<{ reached: boolean; value: string; highlighted: string[] } | null> {
  return wb.page.evaluate(() => {
    const w = window as unknown as { __crmEnter?: { reached: boolean; value: string; highlighted: string[] } | null };
    const r = w.__crmEnter ?? null;
    w.__crmEnter = null;
    return r;
  });
}

/**
 * Highlights the row named `name` (its label, or its English alias) in the open quick
 * input with the arrow keys, and presses Enter once the page shows it highlighted with
 * the focus in the text box. Returns 'accepted' when the Enter reached the quick input
 * with that row highlighted (the quick input then runs it), 'lost' when the quick input
 * closed or lost the focus first (nothing ran), with what was seen.
 */
async function acceptRow(wb: Workbench, name: string, value: string | undefined, listedMs: number, closesAt: number | undefined): Promise<{ result: 'accepted' | 'lost'; seen: string }> {
  // The list is filtered after the input event: wait for the row, then for the highlight to settle on it.
  const listed = await waitForState(wb, { shown: true, focused: true, row: name, ...(value !== undefined ? { value } : {}), ...(closesAt !== undefined ? { closesAt } : {}) }, listedMs);
  if (!listed.ok) {
    return { result: 'lost', seen: `no row ${JSON.stringify(name)}: ${describe(listed.state)}` };
  }
  let s = (await waitForState(wb, { shown: true, focused: true, highlighted: name, ...(value !== undefined ? { value } : {}), ...(closesAt !== undefined ? { closesAt } : {}) }, 500)).state;
  for (let moves = 0; moves < 20 && s.shown && s.focused && !s.rows.some((r) => r.highlighted && r.names.includes(name)); moves++) {
    // Another row ranks first (a recently used one, or a question's default): walk to ours.
    const target = s.rows.find((r) => r.names.includes(name));
    const current = s.rows.find((r) => r.highlighted);
    if (!target) break;
    await wb.page.keyboard.press(current && current.index > target.index ? 'ArrowUp' : 'ArrowDown');
    s = (await waitForState(wb, { shown: true, focused: true, highlighted: name }, 200)).state;
  }
  if (!s.shown || !s.focused || !s.rows.some((r) => r.highlighted && r.names.includes(name)) || (value !== undefined && s.value !== value)) {
    return { result: 'lost', seen: `before Enter: ${describe(s)}` };
  }
  await armEnterWitness(wb);
  await wb.page.keyboard.press('Enter');
  const enter = await enterWitness(wb).catch((err: Error) => {
    // The command reloaded the page (Developer: Reload Window) as the Enter ran it.
    if (NAVIGATED.test(err.message)) return 'navigated' as const;
    throw err;
  });
  if (enter === 'navigated') {
    return { result: 'accepted', seen: '' };
  }
  if (!enter || !enter.reached) {
    // The focus moved between the check and the key: the Enter went to an editor, a webview or a terminal.
    return { result: 'lost', seen: `Enter did not reach the quick input (${enter ? 'the focus had left its text box' : 'the focus was in a frame'})` };
  }
  if (!enter.highlighted.includes(name)) {
    // Accepted, so it ran: running again would run a second command. Say which one it was.
    throw new Error(`Enter ran ${JSON.stringify(enter.highlighted[0] ?? '')}, not ${JSON.stringify(name)}: the highlighted row changed between the check and the key`);
  }
  return { result: 'accepted', seen: '' };
}

/**
 * Runs the command labelled `label` ("Category: Title" in the window's language, or a VS
 * Code command's English name) from the command palette, as a user does: F1, the label
 * typed, Enter on the highlighted row once it is that command. Tries again while the
 * palette closes before the Enter reaches it (nothing ran then), never after (the command
 * ran: a second Enter would run it twice). Resolves once the palette has closed, or the
 * command replaced it with a question of its own.
 */
export async function runFromPalette(wb: Workbench, label: string): Promise<void> {
  const deadline = Date.now() + RUN_MS;
  const value = `>${label}`;
  const seen: string[] = [];
  for (;;) {
    const open = await openPalette(wb, label);
    const r = await acceptRow(wb, label, value, STEP_MS, open.closes);
    if (r.result === 'accepted') {
      const closed = await waitForState(wb, { notValue: value }, STEP_MS * 2).catch((err: Error) => {
        if (NAVIGATED.test(err.message)) return { ok: true, state: undefined };
        throw err;
      });
      if (!closed.ok) {
        throw new Error(`Enter reached the palette with "${label}" highlighted, but the palette did not close: ${closed.state ? describe(closed.state) : ''}`);
      }
      if (seen.length > 0) {
        console.log(`    palette: ran ${JSON.stringify(label)} at attempt ${seen.length + 1} (${seen.join('; ')})`);
      }
      return;
    }
    seen.push(r.seen);
    if (Date.now() > deadline) {
      throw new Error(`could not run "${label}" from the palette in ${RUN_MS / 1000} s: ${seen.slice(-4).join('; ')}`);
    }
  }
}

/**
 * Runs a command that asks a question (a quick pick) and answers it with the row named
 * `answer`: highlighted with the arrow keys, then Enter. The question can close under the
 * answer as the palette can (a webview taking the focus back as it opens): then nothing
 * was chosen, and the command is run again to ask again.
 */
export async function runAndAnswer(wb: Workbench, label: string, answer: string): Promise<void> {
  const deadline = Date.now() + RUN_MS + QUESTION_MS;
  const seen: string[] = [];
  for (;;) {
    await runFromPalette(wb, label);
    // Give up at once if the question closes once it is open (it may still be coming).
    const now = await quickInputState(wb);
    const r = await acceptRow(wb, answer, undefined, QUESTION_MS, now.shown ? now.closes : undefined);
    if (r.result === 'accepted') {
      if (seen.length > 0) {
        console.log(`    palette: answered ${JSON.stringify(answer)} to "${label}" at attempt ${seen.length + 1} (${seen.join('; ')})`);
      }
      return;
    }
    seen.push(r.seen);
    if (Date.now() > deadline) {
      throw new Error(`could not answer "${answer}" to "${label}": ${seen.slice(-4).join('; ')}`);
    }
  }
}
