// The scenario checks themselves: each one passes on a report that shows the
// expected diagnosis and fails — with a sentence saying why — on one that does not,
// so a live run that says PASS means the diagnosis really was there.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { CHECKS, checkFailOnExit } from './expectations.mjs';

const ev = (label, value) => ({ label, value });

function issue(id, category, severity, evidence = [ev('Some figure', '42')]) {
  return { id, category, severity, title: id, evidence };
}

function report(status, issues, forecasts = []) {
  return { analysis: { status, reasons: [], issues, forecasts } };
}

const rssForecast = { series: 'process_resident_memory_bytes', etaMs: 167 * 60_000, limitLabel: "the machine's 23.5 GB of memory" };
const leakIssue = (severity = 'warning', evidence = [ev('RSS growth', '+120 MB/min'), ev('Time to the machine', '~2 h 47 min')]) =>
  issue('memory-leak', 'memory', severity, evidence);

describe('scenario checks', () => {
  describe('leak', () => {
    it('passes on a memory-leak issue with evidence and an RSS forecast', () => {
      const r = CHECKS.leak(report('warning', [leakIssue()], [rssForecast]));
      assert.deepEqual(r.failures, []);
      assert.ok(r.figures.some((f) => f.includes('RSS growth: +120 MB/min')));
    });

    it('fails when memory growth is put down to the load (info) instead of a leak', () => {
      const r = CHECKS.leak(report('healthy', [issue('memory-grows-with-load', 'memory', 'info')], [rssForecast]));
      assert.ok(r.failures.some((f) => f.includes('expected issue "memory-leak"')));
      assert.ok(r.failures.some((f) => f.includes('status is "healthy"')));
    });

    it('fails without a forecast, and when the issue does not quote it', () => {
      const r = CHECKS.leak(report('warning', [leakIssue('warning', [ev('RSS growth', '+120 MB/min')])]));
      assert.ok(r.failures.some((f) => f.includes('expected a forecast of process_resident_memory_bytes')));
      assert.ok(r.failures.some((f) => f.includes('does not quote the forecast')));
    });

    it('fails on a leak at info severity or in the wrong category', () => {
      const r = CHECKS.leak(report('warning', [issue('memory-leak', 'gc', 'info', [ev('Time to x', '1 h')])], [rssForecast]));
      assert.ok(r.failures.some((f) => f.includes('category "gc"')));
      assert.ok(r.failures.some((f) => f.includes('severity "info"')));
    });
  });

  describe('cpu-burn', () => {
    it('passes on cpu-saturation at warning or critical', () => {
      for (const sev of ['warning', 'critical']) {
        assert.deepEqual(CHECKS['cpu-burn'](report(sev, [issue('cpu-saturation', 'cpu', sev)])).failures, []);
      }
    });

    it('fails when only the event loop is blamed', () => {
      const r = CHECKS['cpu-burn'](report('warning', [issue('event-loop-blocking', 'event-loop', 'warning')]));
      assert.ok(r.failures.some((f) => f.includes('expected issue "cpu-saturation"') && f.includes('event-loop-blocking:warning')));
    });

    it('fails on an issue without evidence, or with an empty evidence value', () => {
      assert.ok(CHECKS['cpu-burn'](report('critical', [issue('cpu-saturation', 'cpu', 'critical', [])])).failures.some((f) => f.includes('names no evidence')));
      const blank = CHECKS['cpu-burn'](report('critical', [issue('cpu-saturation', 'cpu', 'critical', [ev('Median CPU', ' ')])]));
      assert.ok(blank.failures.some((f) => f.includes('without a label or value')));
    });
  });

  describe('flood', () => {
    it('passes on load-driven latency at warning', () => {
      assert.deepEqual(CHECKS.flood(report('warning', [issue('load-driven-latency', 'latency', 'warning')])).failures, []);
    });

    it('fails when the latency is only correlated, not slow (info)', () => {
      const r = CHECKS.flood(report('healthy', [issue('load-driven-latency', 'latency', 'info')]));
      assert.ok(r.failures.some((f) => f.includes('severity "info"')));
    });
  });

  describe('steady', () => {
    it('passes when healthy, with info issues allowed', () => {
      assert.deepEqual(CHECKS.steady(report('healthy', [issue('restarts', 'availability', 'info')])).failures, []);
    });

    it('fails on any issue above info, naming its evidence', () => {
      const r = CHECKS.steady(report('warning', [issue('system-contention', 'contention', 'warning', [ev('Median system CPU', '98%')])]));
      assert.ok(r.failures.some((f) => f.includes('status is "warning"')));
      assert.ok(r.failures.some((f) => f.includes('system-contention:warning (Median system CPU 98%)')));
    });

    it('fails when the monitor saw nothing (unknown is not healthy)', () => {
      assert.ok(CHECKS.steady(report('unknown', [])).failures.some((f) => f.includes('status is "unknown"')));
    });
  });

  describe('--fail-on exit code', () => {
    it('passes on the expected code and fails on another, a usage error included', () => {
      assert.deepEqual(checkFailOnExit(1, 1, 'warning', 'critical'), []);
      assert.deepEqual(checkFailOnExit(0, 0, 'warning', 'healthy'), []);
      assert.equal(checkFailOnExit(0, 1, 'warning', 'healthy').length, 1);
      assert.match(checkFailOnExit(2, 0, 'warning', 'healthy')[0], /exited 2 with status "healthy", expected 0/);
    });
  });
});
