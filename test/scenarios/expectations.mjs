// What the analyzer must say about each load scenario of the example chat server,
// as checks over the CLI's JSON report (ReportData, src/core/report/reportData.ts).
// Pure functions of the report, so test/scenarios/expectations.test.mjs can show
// that every check fails on a report that does not meet it.

/** Severities in rank order (src/core/analyze/issue.ts). */
const SEVERITY_RANK = { info: 0, warning: 1, critical: 2 };

/**
 * @typedef {{ id: string, category: string, severity: string, title: string, evidence: { label: string, value: string }[] }} ReportIssue
 * @typedef {{ analysis: { status: string, issues: ReportIssue[], forecasts: { series: string, etaMs: number, limitLabel: string }[] } }} ScenarioReport
 * @typedef {{ failures: string[], figures: string[] }} CheckResult
 */

/**
 * The issue `id` must be present in `category`, at one of `severities`, with evidence
 * whose every entry has a label and a value.
 * @param {ScenarioReport} report
 * @param {{ id: string, category: string, severities: string[] }} want
 * @param {string[]} failures  appended to
 * @returns {ReportIssue | undefined}
 */
function requireIssue(report, want, failures) {
  const issues = report.analysis?.issues ?? [];
  const issue = issues.find((i) => i.id === want.id);
  if (!issue) {
    failures.push(`expected issue "${want.id}" but the issues were [${issues.map((i) => `${i.id}:${i.severity}`).join(', ') || 'none'}]`);
    return undefined;
  }
  if (issue.category !== want.category) {
    failures.push(`issue "${want.id}" has category "${issue.category}", expected "${want.category}"`);
  }
  if (!want.severities.includes(issue.severity)) {
    failures.push(`issue "${want.id}" has severity "${issue.severity}", expected ${want.severities.join(' or ')}`);
  }
  checkEvidence(issue, failures);
  return issue;
}

/** Evidence must be there, and each entry must name what it shows and its value. */
function checkEvidence(issue, failures) {
  const ev = issue.evidence ?? [];
  if (ev.length === 0) {
    failures.push(`issue "${issue.id}" names no evidence`);
    return;
  }
  for (const e of ev) {
    if (typeof e.label !== 'string' || e.label.trim() === '' || typeof e.value !== 'string' || e.value.trim() === '') {
      failures.push(`issue "${issue.id}" has an evidence entry without a label or value: ${JSON.stringify(e)}`);
    }
  }
}

/** The status must be `warning` or `critical` when an issue of that severity was found. */
function requireStatusAtLeast(report, severity, failures) {
  const status = report.analysis?.status;
  if (!((SEVERITY_RANK[status] ?? -1) >= SEVERITY_RANK[severity])) {
    failures.push(`status is "${status}", expected ${severity} or worse`);
  }
}

/** "label value" of every evidence entry of an issue, for the run's figures. */
function evidenceFigures(issue) {
  return issue ? issue.evidence.map((e) => `${issue.id} · ${e.label}: ${e.value}`) : [];
}

function issueList(report) {
  return (report.analysis?.issues ?? []).map((i) => `${i.id}:${i.severity}`).join(', ') || 'none';
}

/**
 * The checks, by scenario name.
 * @type {Record<string, (report: ScenarioReport) => CheckResult>}
 */
export const CHECKS = {
  /** A memory leak with flat load: "Memory leak suspected", warning or critical, and a forecast to the limit. */
  leak(report) {
    const failures = [];
    const issue = requireIssue(report, { id: 'memory-leak', category: 'memory', severities: ['warning', 'critical'] }, failures);
    requireStatusAtLeast(report, 'warning', failures);
    const forecasts = report.analysis?.forecasts ?? [];
    const rss = forecasts.find((f) => f.series.startsWith('process_resident_memory_bytes'));
    if (!rss) {
      failures.push(`expected a forecast of process_resident_memory_bytes, got [${forecasts.map((f) => f.series).join(', ') || 'none'}]`);
    } else if (!(rss.etaMs > 0 && Number.isFinite(rss.etaMs))) {
      failures.push(`the RSS forecast has no finite time to the limit (etaMs ${rss.etaMs})`);
    }
    if (issue && !issue.evidence.some((e) => /^Time to /.test(e.label))) {
      failures.push('the leak issue does not quote the forecast (no "Time to …" evidence)');
    }
    const figures = [`status ${report.analysis?.status}; issues ${issueList(report)}`, ...evidenceFigures(issue)];
    if (rss) figures.push(`forecast: ${rss.limitLabel} in ${(rss.etaMs / 60_000).toFixed(0)} min`);
    return { failures, figures };
  },

  /** A server whose event loop is busy all the time: CPU saturation, warning or critical. */
  'cpu-burn'(report) {
    const failures = [];
    const issue = requireIssue(report, { id: 'cpu-saturation', category: 'cpu', severities: ['warning', 'critical'] }, failures);
    requireStatusAtLeast(report, 'warning', failures);
    return { failures, figures: [`status ${report.analysis?.status}; issues ${issueList(report)}`, ...evidenceFigures(issue)] };
  },

  /** Latency that follows the message rate: load-driven latency, warning (it is slow, not just correlated). */
  flood(report) {
    const failures = [];
    const issue = requireIssue(report, { id: 'load-driven-latency', category: 'latency', severities: ['warning'] }, failures);
    requireStatusAtLeast(report, 'warning', failures);
    return { failures, figures: [`status ${report.analysis?.status}; issues ${issueList(report)}`, ...evidenceFigures(issue)] };
  },

  /** The baseline: healthy, nothing above info. */
  steady(report) {
    const failures = [];
    const status = report.analysis?.status;
    if (status !== 'healthy') {
      failures.push(`status is "${status}", expected healthy (issues: ${issueList(report)}; reasons: ${(report.analysis?.reasons ?? []).join(' ')})`);
    }
    const above = (report.analysis?.issues ?? []).filter((i) => (SEVERITY_RANK[i.severity] ?? 3) > SEVERITY_RANK.info);
    if (above.length > 0) {
      failures.push(`expected no issue above info, got ${above.map((i) => `${i.id}:${i.severity} (${i.evidence.map((e) => `${e.label} ${e.value}`).join('; ')})`).join(', ')}`);
    }
    for (const i of report.analysis?.issues ?? []) checkEvidence(i, failures);
    // The first minute of a steady server (RSS warming up, the disk moving with the
    // machine's other work) says nothing about hours ahead.
    const forecasts = report.analysis?.forecasts ?? [];
    if (forecasts.length > 0) {
      failures.push(`expected no forecast over the first minute of a steady server, got ${forecasts.map((f) => `${f.series} → ${f.limitLabel} in ${(f.etaMs / 60_000).toFixed(0)} min`).join(', ')}`);
    }
    return { failures, figures: [`status ${status}; issues ${issueList(report)}; forecasts ${forecasts.length}`] };
  },
};

/**
 * The CLI's exit code with `--fail-on LEVEL`: 1 when the status reached LEVEL, 0
 * when it did not (2 would be a usage error or a crash, never right here).
 * @param {number | null} exitCode
 * @param {0 | 1} expected
 * @param {string} failOn
 * @param {string | undefined} status  analysis.status, quoted in the failure
 * @returns {string[]} failures
 */
export function checkFailOnExit(exitCode, expected, failOn, status) {
  return exitCode === expected ? [] : [`chatroom-monitor report --fail-on ${failOn} exited ${exitCode} with status "${status}", expected ${expected}`];
}
