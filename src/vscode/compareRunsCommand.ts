import * as vscode from 'vscode';
import { displayLocale, intlLocale } from '../core/i18n/locale';
import { RunInfo, commitText } from '../core/runs/runs';
import { compareRuns, comparisonMarkdown, RunComparison } from '../core/runs/runComparison';
import { inertQuickPickText } from '../core/text/inertText';
import { Commands } from '../shared/commandIds';
import { HistoryController } from './historyController';
import { MonitorLog } from './log';

/** What the command returns (tests, the regression warning's button). */
export interface CompareRunsResult {
  readonly document: vscode.TextDocument;
  readonly comparison: RunComparison;
  readonly base: RunInfo;
  readonly head: RunInfo;
}

/** "Compare Runs…": this run vs the previous one or the last on the main branch, or any two, as a Markdown report. */
export function registerCompareRunsCommand(history: HistoryController, log: MonitorLog): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.compareRuns, async (baseId?: string, headId?: string): Promise<CompareRunsResult | undefined> => {
    const recorder = history.history;
    if (!recorder) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Compare Runs needs the history on disk, and it is off (setting chatroomMonitor.history.persist).'));
      return undefined;
    }
    await history.runsSettled();
    const runs = recorder.runs();
    if (runs.length < 2) {
      void vscode.window.showInformationMessage(
        runs.length === 1
          ? vscode.l10n.t('Compare Runs needs two runs of the server in the history; there is one so far. A run starts each time the server starts.')
          : vscode.l10n.t('Compare Runs needs two runs of the server in the history; there are none so far. A run starts each time the server starts.'),
      );
      return undefined;
    }
    let pair: [RunInfo, RunInfo] | undefined;
    if (baseId !== undefined && headId !== undefined) {
      const base = runs.find((r) => r.id === baseId);
      const head = runs.find((r) => r.id === headId);
      if (!base || !head) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Compare Runs: run {0} is not in the history (retention may have removed it).', String(base ? headId : baseId)));
        return undefined;
      }
      pair = [base, head];
    } else {
      pair = await pickRuns(runs);
    }
    if (!pair) {
      return undefined;
    }
    const [base, head] = pair;
    const comparison = compareRuns(recorder.runSamples(base), recorder.runSamples(head));
    const markdown = comparisonMarkdown(comparison, { base: runName(base), head: runName(head) });
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(document, { preview: false });
    log.info(vscode.l10n.t('Compared run {0} with run {1}: {2}.', base.id, head.id, comparison.figures.map((f) => `${f.id} ${f.verdict}`).join(', ') || vscode.l10n.t('no common figure')));
    return { document, comparison, base, head };
  });
}

export function runName(r: RunInfo): string {
  const seconds = Math.round((r.endMs - r.startMs) / 1000);
  return r.ended
    ? vscode.l10n.t('run of {0} (pid {1}, {2} s), {3}', startText(r), r.pid, seconds, commitText(r))
    : vscode.l10n.t('run of {0} (pid {1}, {2} s, still running), {3}', startText(r), r.pid, seconds, commitText(r));
}

/** When a run started, to the second, as people of the display language write it. */
function startText(r: RunInfo): string {
  return new Date(r.startMs).toLocaleString(intlLocale(), { hour12: displayLocale() === 'en' });
}

const MAIN_BRANCHES = new Set(['main', 'master', 'trunk']);

async function pickRuns(runs: readonly RunInfo[]): Promise<[RunInfo, RunInfo] | undefined> {
  const current = runs[runs.length - 1]!;
  const previous = runs[runs.length - 2]!;
  const lastOnMain = [...runs.slice(0, -1)].reverse().find((r) => r.branch !== null && MAIN_BRANCHES.has(r.branch) && r.commit !== current.commit);
  type Choice = vscode.QuickPickItem & { pair?: [RunInfo, RunInfo] };
  const choices: Choice[] = [{ label: `$(history) ${vscode.l10n.t('This run vs the previous run')}`, detail: inertQuickPickText(`${commitText(previous)} → ${commitText(current)}`), pair: [previous, current] }];
  if (lastOnMain && lastOnMain !== previous) {
    choices.push({ label: `$(git-branch) ${vscode.l10n.t('This run vs the last run on {0}', String(lastOnMain.branch))}`, detail: inertQuickPickText(`${commitText(lastOnMain)} → ${commitText(current)}`), pair: [lastOnMain, current] });
  }
  choices.push({ label: `$(list-selection) ${vscode.l10n.t('Pick two runs…')}` });
  const choice = await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Chat-Room Monitor: Compare Runs') });
  if (!choice) {
    return undefined;
  }
  if (choice.pair) {
    return choice.pair;
  }
  const items = [...runs].reverse().map((r) => ({ label: inertQuickPickText(startText(r)), description: inertQuickPickText(`pid ${r.pid} · ${commitText(r)}`), run: r }));
  const base = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Compare Runs: the base run (before the change)') });
  if (!base) {
    return undefined;
  }
  const head = await vscode.window.showQuickPick(
    items.filter((i) => i.run !== base.run),
    { title: vscode.l10n.t('Compare Runs: the head run (after the change)') },
  );
  return head ? [base.run, head.run] : undefined;
}
