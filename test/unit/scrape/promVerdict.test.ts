/**
 * Prometheus' verdict on a body: accept, or the first line it stops at with its own
 * error text (Prometheus v2.42 model/textparse; the conformance level checks the
 * whole corpus against a real Prometheus, these pin each rule).
 */
import * as assert from 'node:assert/strict';
import { ExpositionFormat, parseExposition } from '../../../src/core/scrape/parser';
import { decodeUtf8, goParseFloat, goQuote, prometheusVerdict, VerdictTally, verdictSentence } from '../../../src/core/scrape/promVerdict';

function verdict(body: string, format: ExpositionFormat): string {
  const v = prometheusVerdict(body, format);
  return v.accept ? 'accept' : `line ${v.line}: ${v.reason}`;
}

describe('prometheusVerdict', () => {
  describe('text format 0.0.4', () => {
    const cases: [string, string, string][] = [
      ['a body prom-client writes', '# HELP a_total Requests.\n# TYPE a_total counter\na_total{code="200"} 3\n', 'accept'],
      ['1e400', 'a 1\nb 1e400\n', 'line 2: strconv.ParseFloat: parsing "1e400": value out of range'],
      ['a hex float (p refused)', 'a 0x1p3\n', 'line 1: unsupported character in float'],
      ['a negative timestamp', 'a 1 -5\n', 'line 1: expected timestamp or new record, got "INVALID"'],
      ['a fractional timestamp', 'a 1 15.5\n', 'line 1: expected next entry after timestamp, got "INVALID"'],
      ['a timestamp past int64', 'a 1 99999999999999999999\n', 'line 1: strconv.ParseInt: parsing "99999999999999999999": value out of range'],
      ['__name__ inside braces', 'a{__name__="b"} 1\n', 'line 1: label name "__name__" is not unique: invalid sample'],
      ['a label twice', 'a{x="1",x="2"} 1\n', 'line 1: label name "x" is not unique: invalid sample'],
      ['a trailing comma', 'a{x="1",} 1\n', 'accept'],
      ['no comma', 'a{x="1" y="2"} 1\n', 'accept'],
      ['a leading comma', 'a{,x="1"} 1\n', 'line 1: expected label name, got "COMMA"'],
      ['the untyped keyword', '# TYPE a untyped\na 1\n', 'accept'],
      ['an OpenMetrics-only type', '# TYPE a info\na 1\n', 'line 1: invalid metric type "info"'],
      ['two blanks before the type', '# TYPE a  counter\n', 'line 1: invalid metric type " counter"'],
      ['plain comments', '# hi\n#x\n# HELPER\na 1\n', 'accept'],
      ['a CRLF body', 'a 1\r\n', 'line 1: strconv.ParseFloat: parsing "1\\r": invalid syntax'],
      ['leading blanks on a sample', 'a 1\n  b 2\n', 'line 2: invalid metric name or label names: {__name__="  b"}'],
      ['an exemplar', 'a_total 1 # {t="x"} 1\n', 'line 1: expected timestamp or new record, got "INVALID"'],
      ['a byte-order mark', '\ufeffa 1\n', 'line 1: "INVALID" is not a valid start token'],
      ['a NUL where a line starts (the end for promlex)', 'a 1\n\u0000b x\n', 'accept'],
      ['a raw newline inside a label value', 'a{x="1\n2"} 1\nb x\n', 'line 3: strconv.ParseFloat: parsing "x": invalid syntax'],
      ['# EOF then more samples', 'a 1\n# EOF\nb 2\n', 'accept'],
    ];
    for (const [what, body, want] of cases) {
      it(what, () => assert.equal(verdict(body, 'prometheus'), want));
    }
  });

  describe('OpenMetrics 1.0', () => {
    const cases: [string, string, string][] = [
      ['a counter with _created and an exemplar', '# TYPE a counter\na_total 3 # {t="x"} 1 1.5\na_created 1.7e9\n# EOF\n', 'accept'],
      ['an exemplar on a gauge', '# TYPE g gauge\ng 1 # {t="x"} 1\n# EOF\n', 'line 2: metric name g does not support exemplars'],
      ['a trailing comma', 'a{x="1",} 1\n# EOF\n', 'line 1: expected label name, got "BCLOSE"'],
      ['a UNIT that is not a suffix', '# UNIT a seconds\na 1\n# EOF\n', 'line 1: unit not a suffix of metric "a"'],
      ['a UNIT that is one', '# UNIT a_seconds seconds\na_seconds 1\n# EOF\n', 'accept'],
      ['the untyped keyword', '# TYPE a untyped\n# EOF\n', 'line 1: invalid metric type "untyped"'],
      ['a plain comment', '# hi\n# EOF\n', 'line 1: "INVALID" "h" is not a valid start token'],
      ['a blank line', 'a 1\n\n# EOF\n', 'line 2: "INVALID" "\\n" is not a valid start token'],
      ['two spaces', 'a  1\n# EOF\n', 'line 1: expected value after metric, got "INVALID"'],
      ['no # EOF', 'a 1\n', 'line 1: data does not end with # EOF'],
      ['text after # EOF', 'a 1\n# EOF\n\n', 'line 2: unexpected data after # EOF'],
      ['# EOF without a newline', 'a 1\n# EOF', 'accept'],
      ['a NaN timestamp', 'a 1 NaN\n# EOF\n', 'line 1: invalid timestamp'],
      ['a negative timestamp', 'a 1 -1.5\n# EOF\n', 'accept'],
      ['HELP without text', '# HELP a\n# EOF\n', 'line 1: expected text in HELP'],
      ['a space in a label set', 'a{x="1", y="2"} 1\n# EOF\n', 'line 1: expected label name, got "INVALID"'],
      ['a bad exemplar timestamp', '# TYPE c counter\nc_total 1 # {t="x"} 1 NaN\n# EOF\n', 'line 2: invalid exemplar timestamp'],
      ['a timestamp int64 cannot hold', 'a 1 12345678901234567890\n# EOF\n', 'line 1: too old sample'],
    ];
    for (const [what, body, want] of cases) {
      it(what, () => assert.equal(verdict(body, 'openmetrics'), want));
    }
  });

  it('refuses invalid UTF-8 in label values and HELP, not in a 0.0.4 comment', () => {
    const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const v = (b: Buffer, f: ExpositionFormat) => {
      const d = decodeUtf8(b);
      const r = prometheusVerdict(d.text, f, { invalidUtf8At: d.invalidUtf8At });
      return r.accept ? 'accept' : r.reason;
    };
    assert.equal(v(bytes('a{x="', [0xff], '"} 1\n'), 'prometheus'), 'invalid UTF-8 label value');
    assert.equal(v(bytes('# HELP a x', [0xc3], '\na 1\n'), 'prometheus'), 'help text is not a valid utf8 string');
    assert.equal(v(bytes('# comment ', [0xff], '\na 1\n'), 'prometheus'), 'accept');
    assert.equal(v(bytes('a{x="', [0xff], '"} 1\n# EOF\n'), 'openmetrics'), 'invalid UTF-8 label value');
  });

  it('says whether it saw the whole body', () => {
    assert.equal(parseExposition('a 1\n', { partial: true }).verdict.complete, false);
    assert.equal(parseExposition('a 1\n').verdict.complete, true);
  });

  it('is carried in every parse, while the lenient reading keeps what it can', () => {
    const p = parseExposition('a 1\nb 1e400\nc 3\n');
    assert.deepEqual(p.families.map((f) => f.name), ['a', 'c']);
    assert.equal(p.verdict.accept, false);
    assert.equal(p.verdict.line, 2);
  });
});

describe('decodeUtf8', () => {
  it('returns the text alone when the bytes are valid', () => {
    assert.deepEqual(decodeUtf8(Buffer.from('a{x="☕ \ufffd"} 1\n')), { text: 'a{x="☕ \ufffd"} 1\n' });
  });

  it('gives the index of every U+FFFD that replaced invalid bytes, as the decoder placed them', () => {
    const b = Buffer.from([0x61, 0xff, 0x62, 0xe2, 0x98, 0x63, 0xf0, 0x9f, 0x9a, 0x80, 0xc3]);
    const d = decodeUtf8(b);
    assert.equal(d.text, b.toString('utf8'));
    const at: number[] = [];
    for (let i = 0; i < d.text.length; i++) {
      if (d.text.charCodeAt(i) === 0xfffd) at.push(i);
    }
    assert.deepEqual(d.invalidUtf8At, at);
    assert.equal(at.length, 3);
  });
});

describe('goParseFloat and goQuote', () => {
  it("reads what Go's ParseFloat reads and words its errors the same way", () => {
    assert.equal(goParseFloat('1E3'), 1000);
    assert.equal(goParseFloat('.5'), 0.5);
    assert.equal(goParseFloat('5.'), 5);
    assert.equal(goParseFloat('-Infinity'), -Infinity);
    assert.ok(Number.isNaN(goParseFloat('nAn') as number));
    assert.equal(goParseFloat('1e-400'), 0);
    assert.equal(goParseFloat('+NaN'), 'strconv.ParseFloat: parsing "+NaN": invalid syntax');
    assert.equal(goParseFloat('0x10'), 'strconv.ParseFloat: parsing "0x10": invalid syntax');
    assert.equal(goParseFloat('1_0'), 'unsupported character in float');
  });

  it('quotes as %q does', () => {
    assert.equal(goQuote('a"\\\n\t\r\u0001\u00a0☕'), '"a\\"\\\\\\n\\t\\r\\x01\\u00a0☕"');
  });
});

describe('VerdictTally', () => {
  it('counts scrapes and rejections and keeps the latest rejection with its time', () => {
    const t = new VerdictTally();
    assert.equal(t.summary(), undefined);
    t.record(1000, { accept: false, line: 3, reason: 'r', complete: true });
    t.record(2000, { accept: true, complete: true });
    assert.deepEqual(t.summary(), {
      scrapes: 2,
      rejected: 1,
      latest: { accept: true, complete: true },
      lastRejection: { accept: false, line: 3, reason: 'r', complete: true, timeMs: 1000 },
    });
    assert.equal(verdictSentence({ accept: false, line: 3, reason: 'r', complete: true }), 'Prometheus would reject this scrape: line 3: r');
  });
});
