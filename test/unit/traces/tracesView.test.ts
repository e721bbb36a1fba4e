import assert from 'node:assert/strict';
import { SpanStore } from '../../../src/core/traces/spanStore';
import { waterfall } from '../../../src/core/traces/traceAnalysis';
import { sourceLabel, spanSourceFrames, traceDetail } from '../../../src/core/traces/tracesView';
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
});
