import assert from 'node:assert/strict';
import { checkHostToWebview, checkWebviewToHost, isHostToWebview, isWebviewToHost } from '../../../src/shared/protocol';

const header = { name: 'chat', status: 'healthy', state: 'running' };

describe('protocol validators', () => {
  it('accept every webview → host message in its valid form', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'ready', range: '1h', selectedSeries: ['a'] },
      { type: 'setRange', range: 'all' },
      { type: 'snooze', alertId: 'all', minutes: 60 },
      { type: 'openReport' },
      { type: 'selectSeries', keys: ['a', 'b'] },
    ]) {
      assert.equal(checkWebviewToHost(m), undefined, JSON.stringify(m));
    }
  });

  it('reject bad webview → host messages with one sentence naming the field', () => {
    assert.match(checkWebviewToHost(null)!, /without a "type"/);
    assert.match(checkWebviewToHost({ type: 'exec', cmd: 'x' })!, /"exec" message the extension does not know/);
    assert.match(checkWebviewToHost({ type: 'snooze', alertId: '', minutes: 5 })!, /alertId/);
    assert.match(checkWebviewToHost({ type: 'snooze', alertId: 'a', minutes: 1.5 })!, /whole number/);
    assert.match(checkWebviewToHost({ type: 'selectSeries', keys: Array(13).fill('k') })!, /at most 12/);
    assert.ok(!isWebviewToHost({ type: 'ready', range: 'forever' }));
  });

  it('accept a full init and reject ragged or non-finite columns', () => {
    const init = {
      type: 'init',
      header,
      catalogue: [{ key: 'a', name: 'a', labels: { room: '<b>' }, unit: 'count', chart: 'server', role: 'activeUsers' }],
      range: '5m',
      columns: { x: [1, 2], keys: ['a'], y: [[1, null]] },
      alerts: [{ id: 'x', level: 'warning', state: 'firing', title: 't', message: 'm', sinceMs: 1, inhibited: false }],
      issues: [{ id: 'i', severity: 'info', title: 't', summary: 's', evidence: [{ label: 'l', value: 'v' }], recommendations: { now: ['n'], investigate: [] } }],
      markers: [{ kind: 'alert', fromMs: 1, level: 'critical' }],
      ui: { range: '5m', intervalMs: 1000, maxPoints: 3600, selectedSeries: [] },
    };
    assert.equal(checkHostToWebview(init), undefined);
    assert.match(checkHostToWebview({ ...init, columns: { x: [1, 2], keys: ['a'], y: [[1]] } })!, /one value per x/);
    assert.match(checkHostToWebview({ type: 'append', columns: { x: [2, 1], keys: [], y: [] } })!, /ascending/);
    assert.match(checkHostToWebview({ type: 'append', columns: { x: [1], keys: ['a'], y: [['1']] } })!, /finite numbers, or null/);
    // An append may leave its keys out (the page's own); a window may not.
    assert.equal(checkHostToWebview({ type: 'append', columns: { x: [1], y: [[1], [null]] } }), undefined);
    assert.match(checkHostToWebview({ type: 'append', columns: { x: [1], keys: 'a', y: [[1]] } })!, /keys array of strings/);
    assert.match(checkHostToWebview({ type: 'window', range: '5m', columns: { x: [1], y: [[1]] } })!, /keys array of strings/);
    assert.match(checkHostToWebview({ type: 'header', header: { ...header, status: 'fine' } })!, /status/);
    assert.equal(checkHostToWebview({ type: 'header', header: { ...header, verdict: 'Prometheus would reject this scrape: line 2: …' } }), undefined);
    assert.match(checkHostToWebview({ type: 'header', header: { ...header, verdict: 14 } })!, /verdict must be a string/);
    assert.match(checkHostToWebview({ type: 'alerts', alerts: [{ id: 1 }] })!, /each alert needs/);
    assert.ok(!isHostToWebview({ type: 'markers', markers: [{ kind: 'alert', fromMs: 'yesterday' }] }));
    // An incident across metrics: one marker naming every member series.
    assert.ok(isHostToWebview({ type: 'markers', markers: [{ kind: 'anomaly', fromMs: 1, toMs: 2, seriesKeys: ['cpu', 'latency'] }] }));
    assert.ok(!isHostToWebview({ type: 'markers', markers: [{ kind: 'anomaly', fromMs: 1, seriesKeys: ['cpu', 7] }] }));
    assert.ok(isHostToWebview({ type: 'issues', issues: [] }));
  });
});
