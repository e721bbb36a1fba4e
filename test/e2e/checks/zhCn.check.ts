/**
 * The monitor in a workbench whose display language is Simplified Chinese (a window of
 * its own on the same code-server, opened after the English checks; the runner writes
 * the display language into code-server's argv.json and a real language pack is
 * installed — scripts/lib/languagePack.mjs). The same facts as the English checks, on
 * the surfaces a Chinese-speaking developer meets, and each one in Chinese: the status
 * bar item and its tooltip, its CPU % under load, the command palette, Select Process to
 * Watch, an alert notification with its actions and its resolution, the dashboard with
 * its keyboard walk and after a window reload, the performance report, and the Logs and Traces views. Where the
 * English check's code serves (paletteCheck, selectProcessCheck, alertFiringCheck,
 * reportCheck …) it runs here with Chinese words. The real-data checks (an error group
 * to its source, a slow trace's waterfall, profile marks, Start Server) are in
 * zhCnRealData.check.ts. Screenshots zh-cn-*.png.
 */
import type { Frame } from 'playwright-core';
import type { E2eCheck } from '../support/check';
import { LOW_CPU_RULE, ensureCpuBurn, useLowCpuThreshold } from '../support/cpuBurnPhase';
import type { Workbench } from '../support/workbench';
import { LIVE_STATUS_TEXT, runCommand, serverPid, waitUntil } from '../support/workbenchUi';
import { AlertWords, alertFiringCheck, alertResolvedCheck } from './alertNotification.check';
import { paletteCheck } from './commandPalette.check';
import { dashboardReloadCheck, expectRendered, keyboardWalk, openDashboard } from './dashboard.check';
import { reportCheck } from './report.check';
import { selectProcessCheck } from './selectProcess.check';
import { statusBarUnderLoadCheck } from './statusBar.check';

const LOCALE = 'zh-cn';
/** A Han character: text in Chinese, not an English fallback. */
const HAN = /[\u4e00-\u9fff]/;
/** The extension's name in Chinese (package.nls.zh-cn.json, l10n bundle). */
const NAME = 'Chat-Room 监控';
/** The built-in CPU rule's title in Chinese. */
const CPU_ALERT_TITLE = '聊天服务器 CPU 偏高';
/** The CPU alert's toasts in Chinese. */
const ALERT: AlertWords = {
  locale: LOCALE,
  firing: new RegExp(`${NAME}：${CPU_ALERT_TITLE}`),
  firingWords: ['聊天服务器的 CPU 使用率', `${LOW_CPU_RULE.threshold}%`],
  actions: ['立即性能剖析', '打开仪表板', '暂停告警…', '显示性能报告'],
  resolved: new RegExp(`已解除：${CPU_ALERT_TITLE}`),
};

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Throws unless every word is in `text`; names the missing ones and shows the text. */
function expectWords(where: string, text: string, words: string[]): void {
  const missing = words.filter((w) => !text.includes(w));
  if (missing.length > 0) {
    throw new Error(`${where} lacks ${missing.map((w) => `"${w}"`).join(', ')}: "${oneLine(text).slice(0, 400)}"`);
  }
}

/** The webview frame (of any editor open) that shows `selector`: one page among the dashboard, a preview and others. */
export async function pageFrame(wb: Workbench, selector: string, timeoutMs: number): Promise<Frame> {
  let found: Frame | undefined;
  await waitUntil(
    wb,
    `a webview showing ${selector}`,
    async () => {
      for (const f of wb.page.frames()) {
        if ((await f.locator(selector).count().catch(() => 0)) > 0) {
          found = f;
          return true;
        }
      }
      return false;
    },
    timeoutMs,
    async () => `${wb.page.frames().length} frames`,
  );
  return found!;
}

/** The words of `texts` with no Chinese in them (after taking out what may stay as written). */
function notChinese(texts: string[], keep: RegExp[] = []): string[] {
  return texts.map(oneLine).filter((t) => t !== '' && !HAN.test(keep.reduce((x, k) => x.replace(k, ''), t)) && keep.reduce((x, k) => x.replace(k, ''), t).trim() !== '');
}

async function windowLanguage(wb: Workbench): Promise<string> {
  return wb.page.evaluate(() => String((globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE ?? 'en'));
}

export const checks: E2eCheck[] = [
  {
    name: 'zh-cn: the workbench is in Chinese; the status bar item shows CPU % and memory, its tooltip in Chinese',
    order: 10,
    locale: LOCALE,
    timeoutMs: 90000,
    async run(wb) {
      const language = await windowLanguage(wb);
      if (language !== LOCALE) {
        throw new Error(`the window's display language is "${language}", not ${LOCALE}: the language pack was not taken`);
      }
      const item = wb.statusBarItem(LIVE_STATUS_TEXT).first();
      await item.waitFor({ timeout: 60000 });
      if ((await item.locator('.codicon-pulse').count()) < 1) {
        throw new Error('the status bar item has no $(pulse) codicon');
      }
      const aria = (await item.locator('a, [role="button"]').first().getAttribute('aria-label')) ?? (await item.getAttribute('aria-label')) ?? '';
      await item.hover();
      const hover = wb.page.locator('.workbench-hover, .monaco-hover').filter({ hasText: new RegExp(`pid ${serverPid()}`) }).first();
      await hover.waitFor({ timeout: 15000 });
      const tip = await hover.innerText();
      console.log(`    zh-cn status bar: "${oneLine(await item.innerText())}", aria-label "${aria.slice(0, 120)}"; tooltip: "${oneLine(tip).slice(0, 200)}"`);
      expectWords('the status bar tooltip', tip, ['内存（RSS）', '单核的', '最近采样', '打开仪表板', '显示性能报告']);
      if (!HAN.test(aria)) {
        throw new Error(`the status bar item's screen-reader name is not Chinese: "${aria}"`);
      }
      await wb.screenshot('zh-cn-status-tooltip');
      await wb.page.mouse.move(700, 400);
    },
  },
  statusBarUnderLoadCheck({ name: 'zh-cn: the status bar CPU % rises and changes under cpu-burn load', order: 12, locale: LOCALE }),
  paletteCheck({ name: 'zh-cn: the command palette lists every contributed command under its Chinese name, each title in Chinese', order: 15, locale: LOCALE, category: NAME }),
  selectProcessCheck({
    name: 'zh-cn: Select Process to Watch lists the chat server by its port, chat-like ones first, title and hint in Chinese; picking it keeps it watched',
    order: 17,
    locale: LOCALE,
    port: (p) => `端口 ${p}`,
    title: '选择要监控的进程',
    hint: '选择聊天服务器（正在监听的进程；最像聊天服务器的排在前面）',
  }),
  alertFiringCheck({ ...ALERT, name: 'zh-cn: cpu-burn fires a warning notification in Chinese with its actions in Chinese, and paints the status bar', order: 20 }),
  {
    name: 'zh-cn: the dashboard shows the pid, drawn charts and the firing alert, in Chinese',
    order: 30,
    locale: LOCALE,
    timeoutMs: 120000,
    async run(wb) {
      await useLowCpuThreshold(wb);
      ensureCpuBurn(wb);
      const frame = await openDashboard(wb, NAME);
      await expectRendered(wb, frame);
      const alert = frame.locator('.alert-list li.alert.state-firing[data-alert-id^="process-cpu-warning"]');
      // The load keeps going (a new phase when one ends) until the alert is in the list.
      await waitUntil(wb, 'the firing CPU alert in the dashboard\'s list', async () => (ensureCpuBurn(wb), (await alert.count()) > 0), 60000, async () => oneLine(await frame.locator('.alert-list').innerText({ timeout: 1000 })));
      expectWords('the firing alert on the dashboard', await alert.first().innerText(), [CPU_ALERT_TITLE, '警告']);
      const page = await frame.locator('body').innerText();
      expectWords('the dashboard', page, ['图表', '告警', '服务器 CPU', '数据表']);
      // English words the page would show had it not followed the display language.
      const english = ['Charts', 'Data table', 'Pause', 'Performance report'].filter((w) => page.includes(w));
      if (english.length > 0) {
        throw new Error(`the dashboard still shows English: ${english.join(', ')}`);
      }
      await wb.screenshot('zh-cn-dashboard');
      await keyboardWalk(wb, frame, 'zh-cn-dashboard-data-table');
    },
  },
  alertResolvedCheck({ ...ALERT, name: 'zh-cn: after the load stops, one 已解除 notification and the status bar colour clears', order: 35 }),
  dashboardReloadCheck({ name: 'zh-cn: the dashboard comes back in Chinese after Developer: Reload Window, with the history from disk, in the light and the dark theme', order: 37, locale: LOCALE, dashboardTab: NAME }),
  reportCheck({
    name: 'zh-cn: palette → 显示性能报告 → 最近 5 分钟 renders the report in Chinese, with the server\'s figures in tables',
    order: 40,
    locale: LOCALE,
    lastFiveMinutes: '最近 5 分钟',
    title: '聊天服务器性能报告',
    headingInLanguage: (h) => HAN.test(h),
  }),
  {
    name: 'zh-cn: the Logs view\'s headings, level chips, summary and notes are Chinese',
    order: 50,
    locale: LOCALE,
    timeoutMs: 45000,
    async run(wb) {
      await runCommand(wb, wb.commandLabel('chatroomMonitor.showLogs'));
      const frame = await pageFrame(wb, '.logs-header h1', 20000);
      await frame.locator('.logs-summary, .logs-header p, .logs-header span').first().waitFor({ timeout: 10000 }).catch(() => undefined);
      const words = [
        await frame.locator('.logs-header h1').innerText(),
        ...(await frame.locator('h2').allInnerTexts()),
        ...(await frame.locator('.level-chips button').allInnerTexts()),
        ...(await frame.locator('.logs-notes li').allInnerTexts()),
        (await frame.locator('input.log-search').getAttribute('placeholder')) ?? '',
        await frame.locator('button.follow').innerText(),
      ];
      console.log(`    zh-cn Logs view: ${words.map(oneLine).join(' | ').slice(0, 300)}`);
      expectWords('the Logs view', words.join(' '), ['日志', '错误分组', '实时日志', '信息', '错误']);
      const english = notChinese(words, [/chatroomMonitor\.[\w.]+/g, /[\d,]+/g]);
      if (english.length > 0) throw new Error(`the Logs view still shows English: ${english.join(' | ')}`);
      await wb.screenshot('zh-cn-logs-view');
    },
  },
  {
    name: 'zh-cn: the Traces view\'s headings, columns and the receiver\'s sentence are Chinese',
    order: 55,
    locale: LOCALE,
    timeoutMs: 45000,
    async run(wb) {
      await runCommand(wb, wb.commandLabel('chatroomMonitor.showTraces'));
      const frame = await pageFrame(wb, '.traces-header h1', 20000);
      await frame.locator('.traces-summary .receiver').waitFor({ timeout: 10000 });
      const receiver = await frame.locator('.traces-summary .receiver').innerText();
      const words = [
        await frame.locator('.traces-header h1').innerText(),
        ...(await frame.locator('h2').allInnerTexts()),
        ...(await frame.locator('table.ops thead th').allInnerTexts()),
        receiver,
        await frame.locator('.traces-summary').innerText(),
      ];
      console.log(`    zh-cn Traces view: ${words.map(oneLine).join(' | ').slice(0, 300)}`);
      expectWords('the Traces view', words.join(' '), ['链路追踪', '操作', '最慢的链路', '服务', '速率']);
      const english = notChinese(words, [/^p\d\d$/]);
      if (english.length > 0) throw new Error(`the Traces view still shows English: ${english.join(' | ')}`);
      await wb.screenshot('zh-cn-traces-view');
    },
  },
];
