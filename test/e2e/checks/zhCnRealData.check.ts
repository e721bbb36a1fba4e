/**
 * The English run's real-data checks, again in the zh-cn window: a real error group in
 * the Logs view (the errors scenario against a copy of the example server that logs to
 * a file in the workspace) whose top frame opens mentions.ts at line 21; a slow trace's
 * waterfall, its source link and the Traces view narrowed from a dashboard chart's
 * point; Capture CPU Profile under cpu-burn and its mark in the editor; Start Server /
 * Stop Server from the palette with the server's output in its terminal. Each one also
 * reads what it shows in Chinese: the group's "最近 …，首次 …", the frame link's
 * "打开 …", the trace's "关键路径上 N 个 · 链路 …", the span's "自身 …，关键路径上 …",
 * "仪表板图表上所选时刻的链路：…", the profile toasts and "在 HH:MM 的性能剖析中自身占用
 * N% CPU", the server's status bar item "服务器 <pid>" and "服务器已停止", the terminal
 * named 聊天服务器; hostile labels inert in the Chinese sentences around them; a
 * Prometheus-sourced service's "2/2 在线" and its dashboard header "… 上 Prometheus 中的
 * job "chat"". Each is the English check with Chinese words (logsGroupCheck, tracesCheck,
 * profileMarksCheck, startServerCheck, inertTextCheck, prometheusServiceCheck).
 * Screenshots zh-cn-*.png.
 */
import type { E2eCheck } from '../support/check';
import { inertTextCheck } from './inertText.check';
import { logsGroupCheck } from './logsView.check';
import { profileMarksCheck } from './profileMarks.check';
import { prometheusServiceCheck } from './prometheusService.check';
import { startServerCheck } from './startServer.check';
import { tracesCheck } from './traces.check';

const LOCALE = 'zh-cn';

export const checks: E2eCheck[] = [
  logsGroupCheck({
    name: 'zh-cn: the Logs view shows the errors scenario\'s group in Chinese; clicking its top frame opens mentions.ts at line 21',
    order: 57,
    locale: LOCALE,
    copy: 'chat-server-copy-zh',
    seen: /^最近 .+，首次 .+$/,
    openTitle: (label) => `打开 ${label}`,
    // VS Code's own words for the cursor, in the language pack's Chinese.
    cursorAt21: /^行 21，列 24/,
    dontSave: '不保存',
  }),
  tracesCheck({
    name: 'zh-cn: 显示链路追踪: a slow trace\'s waterfall with the database on the critical path, in Chinese; the span\'s source link opens the line; a chart point opens 仪表板图表上所选时刻的链路',
    order: 58,
    locale: LOCALE,
    tracesTab: '链路追踪',
    receiverListening: /^正在 http:\/\/127\.0\.0\.1:\d+ 上接收 OpenTelemetry 的 span 和日志（OTLP\/HTTP）：请把服务器的 OTLP 导出器指向这里/,
    dashboardTab: 'Chat-Room 监控',
    traceHead: / · 关键路径上 \d+ 个 · 链路 [0-9a-f]+$/,
    spanDetail: / · 数据库 · .+ \(自身 .+，关键路径上 .+\)/,
    cursorOn: (line) => new RegExp(`^行 ${line}，列 \\d+`),
    momentBanner: /^仪表板图表上所选时刻的链路：\d\d:\d\d:\d\d 至 \d\d:\d\d:\d\d。/,
  }),
  profileMarksCheck({
    name: 'zh-cn: CPU 性能剖析 under cpu-burn: the toasts in Chinese, the hot line of burnCpu marked 在 HH:MM 的性能剖析中自身占用 N% CPU; Clear Profile Marks removes it',
    order: 59,
    locale: LOCALE,
    recording: (pid) => new RegExp(`正在为进程 ${pid} 录制 \\d+ 秒的 CPU 性能剖析`),
    saved: (file) => new RegExp(`CPU 性能剖析已保存——([\\d.]+)% 的 CPU 耗在 ${file}:(\\d+) 的 burnCpu 中`),
    mark: /在 \d\d:\d\d 的性能剖析中自身占用 \d+% CPU/,
  }),
  startServerCheck({
    name: 'zh-cn: Start Server from the palette: the 聊天服务器 terminal shows the server\'s output, the status bar reads 服务器 <pid>, Stop Server stops it',
    order: 60,
    locale: LOCALE,
    running: /服务器 (\d+)/,
    stopped: /服务器已停止/,
    terminal: '聊天服务器',
  }),
  inertTextCheck({
    name: 'zh-cn: hostile labels, HELP text and argv show as inert text in the Chinese toasts, tooltip, pickers and report: no foreign link, no icon, no canary',
    order: 62,
    locale: LOCALE,
    lastFiveMinutes: '最近 5 分钟',
    reportTitle: '聊天服务器性能报告',
  }),
  prometheusServiceCheck({
    name: 'zh-cn: a Prometheus-sourced service of two instances: 2/2 在线 in the status bar, a tooltip row each, CPU and memory by instance back-filled 15 min on the dashboard',
    order: 65,
    locale: LOCALE,
    serviceStatus: /·\s*2\/2 在线/,
    tooltipRow: (i) => new RegExp(`${i}\\s+在线\\s+\\d+(\\.\\d+)?\\s*%`),
    dashboardTab: 'Chat-Room 监控',
    header: /^2\/2 在线 · http:\/\/\S+ 上 Prometheus 中的 job "chat"/,
  }),
];
