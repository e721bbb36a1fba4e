/**
 * Command ids, in one place (src/shared: the core writes command links into Markdown
 * tooltips too); titles and the category live in package.json. Use `Commands.x`
 * everywhere, never the string.
 */
export const Commands = {
  selectProcess: 'chatroomMonitor.selectProcess',
  openDashboard: 'chatroomMonitor.openDashboard',
  showReport: 'chatroomMonitor.showReport',
  compareRuns: 'chatroomMonitor.compareRuns',
  snoozeAlerts: 'chatroomMonitor.snoozeAlerts',
  clearSnooze: 'chatroomMonitor.clearSnooze',
  exportPrometheusRules: 'chatroomMonitor.exportPrometheusRules',
  showLog: 'chatroomMonitor.showLog',
  startServer: 'chatroomMonitor.startServer',
  stopServer: 'chatroomMonitor.stopServer',
  restartServer: 'chatroomMonitor.restartServer',
  scaleServer: 'chatroomMonitor.scaleServer',
  serverMenu: 'chatroomMonitor.serverMenu',
  showAuditLog: 'chatroomMonitor.showAuditLog',
  undoLastAction: 'chatroomMonitor.undoLastAction',
  allowAutomaticActions: 'chatroomMonitor.allowAutomaticActions',
  dismissRuntimeErrors: 'chatroomMonitor.dismissRuntimeErrors',
  openErrorFrame: 'chatroomMonitor.openErrorFrame',
  showLogs: 'chatroomMonitor.showLogs',
  showTraces: 'chatroomMonitor.showTraces',
  captureCpuProfile: 'chatroomMonitor.captureCpuProfile',
  captureHeapProfile: 'chatroomMonitor.captureHeapProfile',
  clearProfileDecorations: 'chatroomMonitor.clearProfileDecorations',
  setPrometheusCredentials: 'chatroomMonitor.setPrometheusCredentials',
} as const;
