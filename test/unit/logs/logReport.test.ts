import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { analyze } from '../../../src/core/analyze/analyzer';
import { FrameMapper } from '../../../src/core/logs/frameMapper';
import { LogPipeline } from '../../../src/core/logs/logPipeline';
import { buildLogsReport } from '../../../src/core/logs/logReport';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport, renderJson } from '../../../src/core/report/reportData';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { fakeClock } from '../helpers/fakeClock';

const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: { html: boolean }) => { render(s: string): string };

describe('report: logs', () => {
  function reportWith(lines: string[]) {
    const clock = fakeClock();
    const p = new LogPipeline({ clock });
    p.pushLines(lines, 'app.log');
    p.flush();
    const analysis = analyze(new SeriesStore(10), { fromMs: 0, toMs: 1000, nowMs: 1000 });
    const logs = buildLogsReport(p, new FrameMapper({ roots: ['/ws'] }), clock.now(), { notes: ['The kernel log (/dev/kmsg) is not readable here (EACCES).'] });
    return buildReport({ target: { name: 'node', state: 'running', pid: 1 }, analysis, generatedAtMs: clock.now(), logs });
  }

  it('the JSON report carries the logs object with the contract fields', () => {
    const r = reportWith(['{"level":50,"msg":"x","err":{"type":"TypeError","message":"boom","stack":"TypeError: boom\\n    at f (/ws/src/a.js:3:4)"}}']);
    const json = JSON.parse(renderJson(r)) as { logs: { linesPerSecond: number; errorGroups: Record<string, unknown>[] } };
    assert.equal(typeof json.logs.linesPerSecond, 'number');
    const g = json.logs.errorGroups[0]!;
    for (const k of ['id', 'count', 'firstSeen', 'lastSeen', 'type', 'message', 'frames']) assert.ok(k in g, k);
    assert.deepEqual(g['frames'], [{ file: 'src/a.js', line: 3, column: 4, inWorkspace: true, function: 'f' }]);
  });

  it('the Markdown Logs section shows hostile error text and paths as text', () => {
    const r = reportWith(['{"level":50,"msg":"x","err":{"type":"Error","message":"<img src=x onerror=alert(1)> [click](javascript:alert(1)) | ` x","stack":"Error: e\\n    at f (/ws/src/a|b<i>.js:1:1)"}}']);
    const text = renderMarkdown(r);
    assert.match(text, /## Logs/);
    const html = new MarkdownIt({ html: true }).render(text);
    assert.ok(!/<img|<a |<i>/.test(html), html.slice(html.indexOf('Logs'), html.indexOf('Logs') + 600));
    assert.match(text, /not readable here/);
  });
});
