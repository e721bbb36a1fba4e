import * as assert from 'assert';
import { TerminalFeed } from '../../../src/core/supervise/terminalFeed';

describe('TerminalFeed', () => {
  it('gives a terminal that opens late the lines written before it opened, then the live ones', () => {
    const feed = new TerminalFeed();
    feed.write('$ node server.js');
    feed.write('chat-server listening on http://127.0.0.1:4000 (pid 42)');
    const shown: string[] = [];
    feed.open((d) => shown.push(d));
    feed.write('GET /health 200');
    assert.deepStrictEqual(shown, [
      '$ node server.js\r\nchat-server listening on http://127.0.0.1:4000 (pid 42)\r\n',
      'GET /health 200\r\n',
    ]);
  });

  it('keeps lines while the terminal is closed and shows them when it opens again', () => {
    const feed = new TerminalFeed();
    const first: string[] = [];
    feed.open((d) => first.push(d));
    feed.write('one');
    feed.close();
    feed.write('two');
    assert.deepStrictEqual(first, ['one\r\n']);
    const second: string[] = [];
    feed.open((d) => second.push(d));
    assert.deepStrictEqual(second, ['one\r\ntwo\r\n']);
  });

  it('shows an opening terminal only the last maxLines lines', () => {
    const feed = new TerminalFeed(3);
    for (let i = 1; i <= 10; i++) {
      feed.write(`line ${i}`);
    }
    const shown: string[] = [];
    feed.open((d) => shown.push(d));
    assert.deepStrictEqual(shown, ['line 8\r\nline 9\r\nline 10\r\n']);
  });

  it('writes nothing to a terminal that opens before any output', () => {
    const feed = new TerminalFeed();
    const shown: string[] = [];
    feed.open((d) => shown.push(d));
    assert.deepStrictEqual(shown, []);
  });
});
