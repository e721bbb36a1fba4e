import * as assert from 'node:assert/strict';
import { isLoopbackHost, validateMetricsUrl } from '../../../src/core/scrape/metricsUrl';

describe('validateMetricsUrl', () => {
  const local = [
    'http://127.0.0.1:8080/metrics',
    'http://localhost:9090/metrics',
    'http://LOCALHOST./metrics',
    'http://[::1]:8080/metrics',
    'https://127.45.6.7/metrics',
    // Spellings the URL parser normalises to 127.0.0.1 — still this machine.
    'http://127.1:8080/metrics',
    'http://2130706433/metrics',
    'http://0x7f.0.0.1/metrics',
    'http://[::ffff:127.0.0.1]/metrics',
  ];
  for (const url of local) {
    it(`accepts loopback ${url} in an untrusted workspace`, () => {
      const r = validateMetricsUrl(url, { allowRemote: false });
      assert.equal(r.ok, true, r.ok ? '' : r.message);
    });
  }

  const remote = [
    'http://192.168.1.5:8080/metrics',
    'http://0.0.0.0:8080/metrics',
    'http://metrics.example.com/metrics',
    'http://localhost.example.com/metrics',
    'http://127.0.0.1.nip.io/metrics',
    'http://[::2]/metrics',
    'http://[::ffff:10.0.0.1]/metrics',
  ];
  for (const url of remote) {
    it(`refuses ${url} in an untrusted workspace, in one sentence naming the setting`, () => {
      const r = validateMetricsUrl(url, { allowRemote: false });
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.message, /^chatroomMonitor\.metrics\.url points to .+, which is not this machine; in an untrusted workspace only/);
    });
  }

  it('accepts a remote host when allowed (a trusted workspace)', () => {
    const r = validateMetricsUrl('http://192.168.1.5:8080/metrics', { allowRemote: true });
    assert.equal(r.ok, true);
    assert.equal(r.ok && r.url.port, '8080');
  });

  it('refuses empty, non-string, unparsable and non-http values with a sentence each', () => {
    const msg = (u: unknown): string => {
      const r = validateMetricsUrl(u, { allowRemote: true });
      assert.equal(r.ok, false);
      return r.ok ? '' : r.message;
    };
    assert.match(msg(''), /^chatroomMonitor\.metrics\.url is empty: set it to/);
    assert.match(msg(42), /is empty/);
    assert.match(msg('127.0.0.1:8080/metrics'), /has no http:\/\/ in front \("127\.0\.0\.1:8080\/metrics"\): write it like http:\/\/127\.0\.0\.1:8080\/metrics\.$/);
    assert.match(msg('localhost:8080/metrics'), /write it like http:\/\/localhost:8080\/metrics\.$/);
    assert.match(msg('mailto:me@example.com'), /must start with http:\/\/ or https:\/\/, not mailto: — /);
    // The scheme as written: "javascript:" has no "//" to quote.
    assert.match(msg('javascript:alert(1)'), /must start with http:\/\/ or https:\/\/, not javascript: — write it like http:\/\/127\.0\.0\.1:8080\/metrics\.$/);
    assert.match(msg('http://'), /is not a valid URL/);
    assert.match(msg('file:///etc/passwd'), /must start with http:\/\/ or https:\/\/, not file: — /);
  });

  it('knows loopback host names', () => {
    assert.equal(isLoopbackHost('127.255.255.255'), true);
    assert.equal(isLoopbackHost('128.0.0.1'), false);
    assert.equal(isLoopbackHost('[::1]'), true);
  });
});
