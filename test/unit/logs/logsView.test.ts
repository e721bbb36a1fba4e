import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FrameMapper } from '../../../src/core/logs/frameMapper';
import { LogPipeline } from '../../../src/core/logs/logPipeline';
import { ALL_LEVELS_FILTER, LogsViewModel } from '../../../src/core/logs/logsView';
import { checkLogsPageMessage, LOGS_LEVEL_KEYS, MAX_ROWS_PER_REQUEST } from '../../../src/shared/logsProtocol';
import { fakeClock } from '../helpers/fakeClock';

function setup(maxKeptLines = 1000) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-view-'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src', 'rooms.js'), '// rooms\n');
  const clock = fakeClock(1_700_000_000_000);
  const pipeline = new LogPipeline({ clock, maxKeptLines });
  const mapper = new FrameMapper({ roots: [root] });
  const view = new LogsViewModel(pipeline, mapper, root);
  const json = (level: string, msg: string, extra = {}) => JSON.stringify({ level, time: clock.now(), msg, ...extra });
  const push = (text: string) => pipeline.push({ text, source: 'stdout', receivedMs: clock.now() });
  const throwIt = () =>
    push(json('error', 'join failed', { err: { type: 'TypeError', message: "Cannot read properties of undefined (reading 'user')", stack: `TypeError: Cannot read properties of undefined (reading 'user')\n    at join (${path.join(root, 'src', 'rooms.js')}:42:7)\n    at handle (/usr/lib/node_modules/x/index.js:3:1)` } }));
  return { root, clock, pipeline, view, json, push, throwIt };
}

describe('Logs view model', () => {
  it('serves windows of rows, unfiltered and filtered by level, group and text', () => {
    const { pipeline, view, json, push, throwIt } = setup();
    for (let i = 0; i < 30; i++) push(json(i % 3 === 0 ? 'warn' : 'info', `message ${i} from room ${i % 5}`));
    throwIt();
    throwIt();
    pipeline.flush();
    assert.equal(view.total(), 32);
    assert.deepEqual(view.rows(0, 3).map((r) => r.text.includes('message 0')), [true, false, false]);
    assert.equal(view.rows(30, 10).length, 2);

    view.setFilter({ levels: ['warn'], text: '' });
    assert.equal(view.total(), 10);
    assert.ok(view.rows(0, 100).every((r) => r.level === 'warn'));

    const group = view.groups(Date.now())[0]!;
    assert.equal(group.count, 2);
    assert.equal(group.type, 'TypeError');
    view.setFilter({ ...ALL_LEVELS_FILTER, groupId: group.id });
    assert.equal(view.total(), 2);
    const row = view.rows(0, 1)[0]!;
    assert.equal(row.groupId, group.id);
    assert.equal(row.frame?.label, 'src/rooms.js:42:7', 'the row links its top workspace frame');

    view.setFilter({ levels: [...LOGS_LEVEL_KEYS], text: 'ROOM 4' });
    assert.equal(view.total(), 6, 'case-insensitive text search');
    // New lines extend the filtered index without a rescan.
    push(json('info', 'message x from room 4'));
    pipeline.flush();
    assert.equal(view.total(), 7);
  });

  it('shows a structured line by what it says (message and error) and its file relative to the workspace', () => {
    const { root, pipeline, view, json, push, throwIt } = setup();
    push(json('info', 'listening'));
    pipeline.push({ text: 'plain words at=3', source: path.join(root, 'logs', 'server.log'), receivedMs: 0 });
    pipeline.push({ text: 'level=warn msg="slow store" ms=812', source: 'stdout', receivedMs: 0 });
    throwIt();
    pipeline.flush();
    const rows = view.rows(0, 10);
    const row = (part: string) => rows.find((r) => r.text.includes(part))!;
    assert.equal(row('listening').message, 'listening');
    assert.ok(row('listening').text.startsWith('{'), 'the raw line stays in text (the detail pane shows it)');
    assert.equal(row('plain words').message, undefined, 'a plain text line is its own message');
    assert.equal(row('plain words').source, 'logs/server.log');
    assert.equal(row('slow store').message, 'slow store');
    assert.equal(row('join failed').message, "join failed — TypeError: Cannot read properties of undefined (reading 'user')");
    assert.equal(row('join failed').source, 'stdout');
  });

  it('keeps indexes right when the ring evicts old lines', () => {
    const { pipeline, view, json, push } = setup(10);
    view.setFilter({ levels: ['warn'], text: '' });
    for (let i = 0; i < 25; i++) push(json(i % 2 === 0 ? 'warn' : 'info', `line ${i}`));
    pipeline.flush();
    // Kept: lines 15..24; warn among them: 16, 18, 20, 22, 24.
    assert.equal(view.total(), 5);
    assert.deepEqual(view.rows(0, 10).map((r) => JSON.parse(r.text).msg), ['line 16', 'line 18', 'line 20', 'line 22', 'line 24']);
    view.setFilter(ALL_LEVELS_FILTER);
    assert.equal(view.total(), 10);
    assert.equal(JSON.parse(view.rows(0, 1)[0]!.text).msg, 'line 15');
  });

  it('groups carry counts, a sparkline and frames; only workspace frames open a file', () => {
    const { root, pipeline, view, clock, throwIt } = setup();
    throwIt();
    clock.tick(20_000);
    throwIt();
    throwIt();
    pipeline.flush();
    const g = view.groups(clock.now())[0]!;
    assert.equal(g.count, 3);
    assert.equal(g.sparkline.length, 30);
    assert.equal(g.sparkline.reduce((a, b) => a + b, 0), 3);
    assert.equal(g.sparkline[29], 2);
    assert.deepEqual(g.frames.map((f) => f.inWorkspace), [true, false]);
    assert.deepEqual(view.frameTarget(g.id, 0), { file: path.join(root, 'src', 'rooms.js'), line: 42, column: 7 });
    assert.equal(view.frameTarget(g.id, 1), undefined, 'a dependency frame opens nothing');
    assert.equal(view.frameTarget('no-such-group', 0), undefined);
    const state = view.state(clock.now(), ['a note']);
    assert.equal(state.total, 3);
    assert.equal(state.levels.error, 3);
    assert.deepEqual(state.notes, ['a note']);
  });

  it('builds the filtered index once and reads only the requested rows after that (speed: npm run bench, logsViewRows)', function () {
    this.timeout(30_000);
    const { pipeline, view, json, push } = setup(20_000);
    for (let i = 0; i < 20_000; i++) push(json(i % 10 === 0 ? 'error' : 'info', `request ${i} done`));
    pipeline.flush();
    view.setFilter({ levels: ['info'], text: 'done' });
    assert.equal(view.total(), 18_000);
    const kept = pipeline.kept;
    const at = kept.at.bind(kept);
    let reads = 0;
    kept.at = (seq: number) => {
      reads++;
      return at(seq);
    };
    for (let from = 0; from < 18_000; from += 1_800) assert.equal(view.rows(from, 60).length, 60);
    assert.equal(reads, 600, 'ten screens of 60 rows read 600 lines, not the ring');
    assert.equal(view.rows(17_990, 60).length, 10);
  });
});

describe('Logs view messages', () => {
  it('accepts well-formed page messages and names what is wrong with the others', () => {
    assert.deepEqual(checkLogsPageMessage({ type: 'rows', from: 0, count: 50, requestId: 3 }), { type: 'rows', from: 0, count: 50, requestId: 3 });
    assert.deepEqual(checkLogsPageMessage({ type: 'filter', filter: { levels: ['error', 'error'], text: 'x', groupId: 'g' } }), { type: 'filter', filter: { levels: ['error'], text: 'x', groupId: 'g' } });
    assert.deepEqual(checkLogsPageMessage({ type: 'openFrame', groupId: 'g', index: 2 }), { type: 'openFrame', groupId: 'g', index: 2 });
    assert.match(String(checkLogsPageMessage({ type: 'rows', from: 0, count: MAX_ROWS_PER_REQUEST + 1, requestId: 1 })), /at most/);
    assert.match(String(checkLogsPageMessage({ type: 'filter', filter: { levels: ['loud'], text: '' } })), /levels/);
    // The page never sends a path to open: a frame is a group id and an index.
    assert.equal(typeof checkLogsPageMessage({ type: 'openFrame', file: '/etc/passwd', line: 1 }), 'string');
    assert.match(String(checkLogsPageMessage({ type: 'nope' })), /unknown/);
  });
});
