import assert from 'node:assert/strict';
import { SpanStore } from '../../../src/core/traces/spanStore';
import { waterfall } from '../../../src/core/traces/traceAnalysis';
import { sourceLabel, spanSourceFrames, traceDetail, tracesState } from '../../../src/core/traces/tracesView';
import { momentTarget, momentWindow, readTimeWindow, readTraceId } from '../../../src/core/traces/moment';
import { systemClock } from '../../../src/core/clock';
import { TraceWatcher } from '../../../src/core/traces/traceWatcher';
import { checkTracesPageMessage } from '../../../src/shared/tracesProtocol';
import { chatTrace } from './helpers';

describe('traces view model', () => {
  it('a span\'s source: code.filepath/lineno first (old and new attribute names), then the frames of a stack it carries', () => {
    assert.deepEqual(spanSourceFrames({ code: { file: '/ws/server.js', line: 212, function: 'tracedChat' }, attributes: {} }), [{ file: '/ws/server.js', line: 212, fn: 'tracedChat' }]);
    const stack = 'Error: boom\n    at insert (/ws/src/db.ts:41:7)\n    at node:internal/process/task_queues:95:5';
    assert.deepEqual(spanSourceFrames({ attributes: { 'exception.stacktrace': stack } }), [
      { file: '/ws/src/db.ts', line: 41, column: 7, fn: 'insert' },
      { file: 'node:internal/process/task_queues', line: 95, column: 5 },
    ]);
    assert.equal(sourceLabel({ code: { file: '/ws/server.js', line: 212, function: 'tracedChat' }, attributes: {} }), 'server.js:212 tracedChat');
    assert.equal(sourceLabel({ code: { function: 'onlyAName' }, attributes: {} }), 'onlyAName');
    assert.equal(sourceLabel({ attributes: {} }), undefined);
  });

  it('the waterfall for the page: critical path, self time, attributes as text sorted by key, and which spans open', () => {
    const store = new SpanStore();
    const spans = chatTrace('a', 1000, 50, 5);
    spans[2] = { ...spans[2]!, attributes: { 'code.filepath': '/ws/server.js', 'code.lineno': 212, 'http.route': '/messages' } };
    store.add(spans, 0);
    const d = traceDetail(waterfall(store.get('a'.padStart(32, '0'))!), (s) => s.code?.file === '/ws/server.js');
    assert.deepEqual(d.spans.map((s) => [s.name, s.category, s.depth, s.startOffsetMs, s.durationMs, s.criticalMs, s.canOpen]), [
      ['POST /messages', 'server', 0, 0, 57, 2, true],
      ['db.query INSERT messages', 'db', 1, 1, 50, 50, false],
      ['POST', 'client', 1, 51, 5, 5, false],
    ]);
    assert.equal(d.spans[0]!.source, 'server.js:212');
    assert.deepEqual(d.spans[0]!.attributes, [['code.filepath', '/ws/server.js'], ['code.lineno', '212'], ['http.route', '/messages']]);
    assert.equal(d.spanCount, 3);
  });

  it('a page message is checked: trace ids are 32 hex digits, span indexes bounded; anything else is a sentence', () => {
    const id = 'ab'.repeat(16);
    assert.deepEqual(checkTracesPageMessage({ type: 'openSpan', traceId: id, index: 3 }), { type: 'openSpan', traceId: id, index: 3 });
    assert.deepEqual(checkTracesPageMessage({ type: 'selectTrace', traceId: id }), { type: 'selectTrace', traceId: id });
    for (const bad of [{ type: 'openSpan', traceId: '../../etc/passwd', index: 0 }, { type: 'openSpan', traceId: id, index: -1 }, { type: 'openSpan', traceId: id, index: 1e9 }, { type: 'selectTrace', traceId: 42 }, { type: 'open', file: '/etc/passwd' }, null]) {
      assert.equal(typeof checkTracesPageMessage(bad), 'string', JSON.stringify(bad));
    }
  });

  it('a point picked on a chart: the view shows the operations and slowest traces of [t − 30 s, t + 5 s], not the slowest overall', () => {
    const t = Date.UTC(2026, 10, 30, 7, 30, 0);
    assert.deepEqual(momentWindow(t), { fromMs: t - 30_000, toMs: t + 5_000 });
    const w = new TraceWatcher({ clock: systemClock, port: 0 });
    try {
      // A very slow trace ten minutes before, a slow one 10 s before the point, a fast one at it, one a minute after.
      w.ingest([...chatTrace('1', t - 600_000, 900), ...chatTrace('2', t - 10_000, 180), ...chatTrace('3', t - 1000, 4), ...chatTrace('4', t + 60_000, 500)], t + 61_000);
      const window = momentWindow(t);
      const state = tracesState(w.report(window.fromMs, window.toMs), { state: 'listening', message: 'ok' }, window);
      assert.deepEqual(state.window, window);
      assert.deepEqual(state.slowest.map((x) => [x.traceId.replace(/^0+/, ''), x.durationMs]), [['2', 183], ['3', 7]]);
      assert.equal(state.operations.find((o) => o.name === 'POST /messages')?.count, 2);
      // Without a window: everything kept, slowest first, and no window said.
      const all = tracesState(w.report(0, t + 61_000), { state: 'listening', message: 'ok' });
      assert.equal(all.window, undefined);
      assert.deepEqual(all.slowest.map((x) => x.traceId.replace(/^0+/, '')), ['1', '4', '2', '3']);
    } finally {
      w.dispose();
    }
  });

  it('a window from a command argument is checked: finite, ordered, at most a day wide', () => {
    assert.deepEqual(readTimeWindow({ fromMs: 1, toMs: 2 }), { fromMs: 1, toMs: 2 });
    for (const bad of [undefined, null, 'now', { fromMs: 2, toMs: 1 }, { fromMs: 0, toMs: 2 * 86_400_000 }, { fromMs: Number.NaN, toMs: 1 }, { fromMs: '1', toMs: 2 }]) {
      assert.equal(readTimeWindow(bad), undefined, JSON.stringify(bad));
    }
  });

  it('an exemplar picked on a chart: the command names its trace in the moment, and the view\'s next state asks the page to select it', () => {
    const id = 'ab'.repeat(16);
    assert.deepEqual(momentTarget(100_000, id), { fromMs: 70_000, toMs: 105_000, traceId: id });
    assert.deepEqual(momentTarget(100_000), momentWindow(100_000));
    assert.equal(readTraceId(momentTarget(100_000, id)), id);
    for (const bad of [undefined, 'x', { traceId: 'AB'.repeat(16) }, { traceId: '<b>' }, { traceId: 'ab'.repeat(17) }, momentWindow(1)]) {
      assert.equal(readTraceId(bad), undefined, JSON.stringify(bad));
    }
    const w = new TraceWatcher({ clock: systemClock, port: 0 });
    try {
      const state = tracesState(w.report(0, 1), { state: 'listening', message: 'ok' }, momentWindow(100_000), id);
      assert.equal(state.select, id);
      assert.equal('select' in tracesState(w.report(0, 1), { state: 'listening', message: 'ok' }), false);
    } finally {
      w.dispose();
    }
  });

  it('the page may ask for all traces again (showAll)', () => {
    assert.deepEqual(checkTracesPageMessage({ type: 'showAll' }), { type: 'showAll' });
  });
});
