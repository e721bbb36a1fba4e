/**
 * A body read against the previous one (ExpositionMemo) must parse to exactly what a
 * fresh parse of the same bytes gives: families, samples, labels, values (to the bit:
 * -0, NaN), problems and their line numbers, `_created`, exemplars, truncation, `# EOF`
 * and Prometheus' verdict. Random bodies mutated scrape after scrape, and the
 * conformance corpus read in a row, are compared with fresh parses.
 */
import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ExpositionFormat,
  ExpositionMemo,
  ParsedExposition,
  SampleColumnPool,
  StringInterner,
  parseExpositionBytes,
} from '../../../src/core/scrape/parser';
import { SeriesCache } from '../../../src/core/scrape/seriesCache';
import { mulberry32 } from '../../../src/core/analyze/random';
import { CHILD_NODE_TEST_TIMEOUT_MS, compiledIn, optimisedFunctions, runNode, traceOf } from '../helpers/v8Natives';

/** The parse as plain data: columns read out into samples, so two parses compare with deepStrictEqual. */
function plain(p: ParsedExposition): unknown {
  return {
    ...p,
    families: p.families.map((f) => {
      const { columns, ...rest } = f;
      if (columns === undefined) return rest;
      const samples = [];
      for (let i = 0; i < columns.length; i++) {
        const e = columns.exemplar(i);
        samples.push({ name: columns.name(i), labels: columns.labels(i), value: columns.value(i), exemplar: e });
      }
      return { ...rest, columnSamples: samples };
    }),
  };
}

/** One endpoint scraped again and again: the scraper's shared state, with the memo. */
class Endpoint {
  readonly memo = new ExpositionMemo();
  private readonly interner = new StringInterner();
  private readonly cache = new SeriesCache();
  private readonly columns = new SampleColumnPool();

  constructor(private readonly useColumns: boolean) {}

  parse(bytes: Buffer, format: ExpositionFormat | undefined, maxSeries: number | undefined, partial: boolean): ParsedExposition {
    return parseExpositionBytes(bytes, {
      format,
      maxSeries,
      partial,
      interner: this.interner,
      seriesCache: this.cache,
      columns: this.useColumns ? this.columns : undefined,
      memo: this.memo,
    });
  }
}

function fresh(bytes: Buffer, format: ExpositionFormat | undefined, maxSeries: number | undefined, partial: boolean, useColumns: boolean): ParsedExposition {
  return parseExpositionBytes(Buffer.from(bytes), { format, maxSeries, partial, columns: useColumns ? new SampleColumnPool() : undefined });
}

// ---- random bodies ---------------------------------------------------------------------

const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'info', 'bogus'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function value(r: () => number): string {
  const k = r();
  if (k < 0.55) return String(Math.floor(r() * 10 ** Math.floor(r() * 8)));
  if (k < 0.8) return (r() * 1000).toFixed(Math.floor(r() * 7));
  if (k < 0.85) return pick(r, ['NaN', '+Inf', '-Inf', '-0', '0', '1e3', '1.5E-7', '0x10', 'abc', '']);
  return String(r() * 1e6 - 5e5);
}

function labelValue(r: () => number): string {
  const k = r();
  if (k < 0.7) return pick(r, ['a', 'b', 'lobby', 'x-y', '', 'café ☕', 'a long label value of some length']);
  if (k < 0.8) return 'esc\\"q\\\\b\\n';
  if (k < 0.85) return 'raw\nnewline'; // 0.0.4 reads on; OpenMetrics refuses it
  return String(Math.floor(r() * 50));
}

function labels(r: () => number): string {
  const n = Math.floor(r() * 3);
  if (n === 0 && r() < 0.7) return '';
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`${pick(r, ['room', 'code', 'le', 'a', 'b', '__name__'])}="${labelValue(r)}"`);
  return `{${parts.join(',')}${r() < 0.05 ? ',' : ''}}`;
}

/** A family block: metadata and sample lines (as lines, without newlines). */
function familyLines(r: () => number, name: string): string[] {
  const type = pick(r, TYPES);
  const out: string[] = [];
  if (r() < 0.8) out.push(`# HELP ${name} Help of ${name}${r() < 0.1 ? ' with \\\\ and \\n' : ''}.`);
  if (r() < 0.85) out.push(`# TYPE ${name} ${type}`);
  if (r() < 0.1) out.push(`# UNIT ${name} seconds`);
  const n = 1 + Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const suffix = type === 'histogram' ? pick(r, ['_bucket', '_sum', '_count', '_created']) : type === 'counter' ? pick(r, ['_total', '_created', '']) : type === 'summary' ? pick(r, ['', '_sum', '_count']) : '';
    let line = `${name}${suffix}${labels(r)} ${value(r)}`;
    if (r() < 0.05) line += ` ${Math.floor(r() * 2e12)}`;
    if (r() < 0.1) line += ` # {trace_id="${Math.floor(r() * 1e9).toString(16)}"} ${value(r)}${r() < 0.5 ? ' 1700000000.5' : ''}`;
    out.push(line);
  }
  return out;
}

function body(r: () => number): string[] {
  const lines: string[] = [];
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) lines.push(...familyLines(r, `fam_${Math.floor(r() * 12)}`));
  return lines;
}

/** A line broken in one of the ways a server gets it wrong. */
function badLine(r: () => number): string {
  return pick(r, [
    '',
    '   ',
    '# a comment',
    '#no space',
    '{a="b"} 1',
    'x{a="b" 1',
    'x{a="b",a="c"} 1',
    'x{a=b} 1',
    'x 1 2 3',
    'x 1 -5',
    'x\u0000 1',
    '\u0000',
    '# EOF',
    '# TYPE x strange',
    '# HELP',
    'x{a="unclosed} 1',
    'name-with-dash 1',
    'x 1\r',
    '\tx{a="b"}\t2',
    'y{le="0.1"} 4 # {trace_id="abc"} 1 1.5',
  ]);
}

/** The next scrape's body: mostly the same lines, some of them changed. */
function mutate(r: () => number, lines: readonly string[]): string[] {
  const out = lines.slice();
  const edits = Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const k = r();
    const at = Math.floor(r() * (out.length + 1));
    if (k < 0.45) {
      // a value changes, often in width
      const i = Math.min(at, out.length - 1);
      if (i >= 0 && !out[i]!.startsWith('#')) out[i] = out[i]!.replace(/ [^ ]*$/, ` ${value(r)}`);
    } else if (k < 0.55) {
      out.splice(at, 0, ...familyLines(r, `fam_${Math.floor(r() * 20)}`));
    } else if (k < 0.65) {
      out.splice(at, 1 + Math.floor(r() * 4));
    } else if (k < 0.72 && out.length > 1) {
      // two blocks swap places
      const a = out.splice(at, 1 + Math.floor(r() * 5));
      out.splice(Math.floor(r() * (out.length + 1)), 0, ...a);
    } else if (k < 0.85) {
      out.splice(at, 0, badLine(r));
    } else if (k < 0.9) {
      out.splice(at, 0, `fam_${Math.floor(r() * 12)}${labels(r)} ${value(r)}`);
    } else if (k < 0.95 && out.length > 0) {
      // a line cut in the middle (the bytes of a line that ends early)
      const i = Math.min(at, out.length - 1);
      out[i] = out[i]!.slice(0, Math.floor(r() * out[i]!.length));
    } else {
      out.reverse();
    }
  }
  return out;
}

/** The bytes of a body, with its ending and, rarely, bytes no line of text makes. */
function bytesOf(r: () => number, lines: readonly string[], openMetrics: boolean): Buffer {
  let text = lines.join(r() < 0.05 ? '\r\n' : '\n');
  const end = r();
  if (openMetrics && end < 0.8) text += '\n# EOF\n';
  else if (end < 0.9) text += '\n';
  let b = Buffer.from(text, 'utf8');
  const k = r();
  if (k < 0.03) b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
  else if (k < 0.06 && b.length > 2) {
    const i = Math.floor(r() * b.length);
    b = Buffer.concat([b.subarray(0, i), Buffer.from([0xff, 0xc3]), b.subarray(i)]);
  } else if (k < 0.1) b = b.subarray(0, Math.floor(r() * b.length));
  return b;
}

describe('ExpositionMemo: a body read against the previous one', () => {
  it('gives exactly what a fresh parse gives, over random bodies mutated scrape after scrape', () => {
    let reused = 0;
    let lines = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const r = mulberry32(seed);
      const useColumns = seed % 2 === 0;
      const ep = new Endpoint(useColumns);
      let openMetrics = r() < 0.5;
      let current = body(r);
      for (let scrape = 0; scrape < 25; scrape++) {
        if (r() < 0.05) openMetrics = !openMetrics; // the server's content type changed
        const format: ExpositionFormat | undefined = r() < 0.1 ? undefined : openMetrics ? 'openmetrics' : 'prometheus';
        const maxSeries = r() < 0.2 ? Math.floor(r() * 20) : undefined;
        const partial = r() < 0.05;
        const bytes = bytesOf(r, current, openMetrics);
        const got = ep.parse(bytes, format, maxSeries, partial);
        const want = fresh(bytes, format, maxSeries, partial, useColumns);
        assert.deepStrictEqual(plain(got), plain(want), `seed ${seed}, scrape ${scrape}`);
        reused += ep.memo.reusedLines;
        lines += current.length;
        current = r() < 0.1 ? body(r) : mutate(r, current);
      }
    }
    // Many bodies here need the whole-text parse (raw newlines, bad bytes), yet lines must come from the previous body.
    assert.ok(reused > lines / 8, `${reused} of ${lines} lines reused`);
  });

  it('reads an unchanged body without parsing any of its lines again, and a changed value re-reads that line only', () => {
    const lines = ['# HELP a_total A.', '# TYPE a_total counter', 'a_total{room="x"} 1', 'a_total{room="y"} 22', '# TYPE g gauge', 'g 3.5'];
    const ep = new Endpoint(true);
    const first = Buffer.from(lines.join('\n') + '\n');
    ep.parse(first, 'prometheus', undefined, false);
    assert.equal(ep.memo.reusedLines, 0);
    const again = ep.parse(Buffer.from(first), 'prometheus', undefined, false);
    assert.equal(ep.memo.reusedLines, lines.length);
    assert.deepStrictEqual(plain(again), plain(fresh(first, 'prometheus', undefined, false, true)));
    // A wider value shifts every later line's offset: they are still found.
    const changed = lines.slice();
    changed[3] = 'a_total{room="y"} 1022.5';
    const b = Buffer.from(changed.join('\n') + '\n');
    const got = ep.parse(b, 'prometheus', undefined, false);
    assert.equal(ep.memo.reusedLines, lines.length - 1);
    assert.deepStrictEqual(plain(got), plain(fresh(b, 'prometheus', undefined, false, true)));
    // A series added in the middle: the lines after it are found too.
    const added = changed.slice();
    added.splice(3, 0, 'a_total{room="new"} 7');
    const c = Buffer.from(added.join('\n') + '\n');
    const got2 = ep.parse(c, 'prometheus', undefined, false);
    assert.equal(ep.memo.reusedLines, added.length - 1);
    assert.deepStrictEqual(plain(got2), plain(fresh(c, 'prometheus', undefined, false, true)));
  });

  it('keeps a rejected line rejected, with its line number, when the lines before it change', () => {
    const ep = new Endpoint(false);
    const a = Buffer.from('# TYPE x gauge\nx 1\nx{a="1",a="2"} 3\n# EOF\n');
    const b = Buffer.from('# TYPE x gauge\n# TYPE y gauge\ny 2\nx 1\nx{a="1",a="2"} 3\n# EOF\n');
    for (const bytes of [a, b, a]) {
      const got = ep.parse(bytes, 'openmetrics', undefined, false);
      const want = fresh(bytes, 'openmetrics', undefined, false, false);
      assert.deepStrictEqual(got, want);
      assert.equal(got.verdict.accept, false);
    }
  });

  it('reads the conformance corpus in a row, each body against the one before, as fresh parses do', () => {
    const here = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'conformance');
    const expected = JSON.parse(fs.readFileSync(path.join(here, 'expected.json'), 'utf8')) as { bodies: Record<string, { format: ExpositionFormat }> };
    const ids = Object.keys(expected.bodies).sort();
    assert.ok(ids.length > 300);
    for (const order of [ids, ids.slice().reverse()]) {
      const ep = new Endpoint(false);
      for (const id of order) {
        const bytes = fs.readFileSync(path.join(here, 'corpus', id));
        const format = expected.bodies[id]!.format;
        // Twice: the second time every line is the previous body's.
        for (let k = 0; k < 2; k++) {
          assert.deepStrictEqual(ep.parse(bytes, format, undefined, false), fresh(bytes, format, undefined, false, false), id);
        }
      }
    }
  });
});

describe('parseExpositionBytes: the series limit on short bodies', () => {
  it('counts lines past maxSeries exactly at the edge where a body is too short to need the count', () => {
    for (const m of [0, 1, 2, 5, 8]) {
      for (let k = 0; k <= m + 2; k++) {
        for (const tail of ['', 'b']) {
          const body = Buffer.from('a\n'.repeat(k) + tail);
          const lines = k + (tail ? 1 : 0);
          const p = parseExpositionBytes(body, { format: 'prometheus', maxSeries: m });
          assert.deepEqual(p.truncated, lines > m ? { maxSeries: m, droppedSamples: lines - m } : undefined, `${lines} lines, maxSeries ${m}`);
        }
      }
    }
  });
});

describe('the parse and the verdict: compiled once, not again at every garbage collection', () => {
  it('keeps their optimised code through GCs between scrapes ("weak objects": the layout of a parse\'s objects must outlive it) and when a family first appears late', () => {
    // A child process of its own, for V8's flags (~0.5 s): 120 scrapes of a changing
    // OpenMetrics body through one memo, a full GC every 10, and V8's deopt trace.
    const parser = require.resolve('../../../src/core/scrape/parser');
    const script = `
      const P = require(${JSON.stringify(parser)});
      const opts = { format: 'openmetrics', interner: new P.StringInterner(), columns: new P.SampleColumnPool(), memo: new P.ExpositionMemo() };
      for (let i = 0; i < 120; i++) {
        let body = '';
        for (let f = 0; f < 12; f++) {
          body += '# HELP fam_' + f + ' Help.\\n# TYPE fam_' + f + ' histogram\\n';
          // From scrape 90 the middle bucket of every family moves too: the unchanged lines
          // then come in more runs than at first (the verdict's list of them grows).
          for (const le of ['0.1', '1', '+Inf']) body += 'fam_' + f + '_bucket{le="' + le + '",room="r' + (f % 3) + '"} ' + (f === i % 12 || (i >= 90 && le === '1') ? i * 7 : f) + ' # {trace_id="' + (i * 31 + f).toString(16) + '"} 0.5\\n';
          body += 'fam_' + f + '_sum ' + (i * f) / 10 + '\\nfam_' + f + '_count ' + i + '\\n';
        }
        // A family that appears late (a server's first request of a kind): its metadata lines are new.
        if (i >= 80) body += '# HELP late_total Late.\\n# TYPE late_total counter\\nlate_total ' + i + '\\n';
        P.parseExpositionBytes(Buffer.from(body + '# EOF\\n'), opts);
        if (i % 10 === 9) gc();
      }`;
    const out = runNode(['--expose-gc', '--trace-deopt'], script);
    const weak = out.split('\n').filter((l) => l.includes('reason: weak objects'));
    assert.deepEqual(weak, []);
    // Nor is the line loop thrown away when a family first appears late, or when more runs of lines are unchanged.
    const lineLoop = out.split('\n').filter((l) => l.includes('deoptimizing') && (l.includes('runLines') || l.includes('pushLine') || l.includes('addLine')));
    assert.deepEqual(lineLoop, []);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});

describe('the parse: only the hot lines\' code is compiled (issue 20)', () => {
  it('reads a changed unlabelled line without the new-series path, so V8 never compiles that path once the series are known', () => {
    // 300 scrapes of a body whose 30 unlabelled values (process_cpu_seconds_total 1.5)
    // change every time, through the scraper's memo and series cache. newSeriesLine reads
    // a line whose series is new; it read every changed unlabelled line too, so V8
    // compiled it (and what it inlines) within the first minute at 1 Hz.
    const compiled = optimisedFunctions(SCRAPES_OF_A_CHANGING_BODY);
    assert.ok(compiled.size > 0, 'V8 optimised nothing: the trace was not read');
    assert.equal(compiled.get('newSeriesLine'), undefined);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);

  it('compiles the memo\'s per-line loops, not what runs once a body around them', () => {
    // commit() runs once a body; its loop over the lines made V8 compile all of it,
    // Buffer#copy's argument checks included. runLines compared lines with
    // Buffer#compare, whose argument checks were inlined into it (~2,000 characters).
    const trace = traceOf(SCRAPES_OF_A_CHANGING_BODY, ['--trace-opt', '--trace-turbo-inlining']);
    const compiled = compiledIn(trace);
    assert.ok(compiled.has('runLines') && compiled.has('markOk'), `the line loops were compiled: ${[...compiled.keys()].join(' ')}`);
    assert.equal(compiled.get('commit'), undefined);
    const inlinedIntoRunLines = trace.split('\n').filter((l) => /^Inlining .* into .*<SharedFunctionInfo runLines>/.test(l));
    assert.deepEqual(inlinedIntoRunLines.filter((l) => /compare|validateOffset/.test(l)), []);
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});

/** 300 scrapes through the scraper's memo and series cache: a body whose 30 unlabelled values change every time. */
const SCRAPES_OF_A_CHANGING_BODY = `
  const P = require(${JSON.stringify(require.resolve('../../../src/core/scrape/parser'))});
  const { SeriesCache } = require(${JSON.stringify(require.resolve('../../../src/core/scrape/seriesCache'))});
  const opts = { format: 'openmetrics', interner: new P.StringInterner(), seriesCache: new SeriesCache(), columns: new P.SampleColumnPool(), memo: new P.ExpositionMemo() };
  let n = 0;
  for (let i = 0; i < 300; i++) {
    let body = '';
    for (let f = 0; f < 30; f++) body += '# TYPE g_' + f + ' gauge\\ng_' + f + ' ' + (i * 1.5 + f) + '\\ng_' + f + '_x{a="b"} ' + f + '\\n';
    n += P.parseExpositionBytes(Buffer.from(body + '# EOF\\n'), opts).sampleCount;
  }
  if (n !== 300 * 60) throw new Error('samples: ' + n);`;

describe('ExpositionMemo: the kept copy of the body', () => {
  it('gives back the room of one huge body once the bodies after it have been small for a while', () => {
    const ep = new Endpoint(true);
    const huge = Buffer.from('# TYPE x gauge\n' + 'x{a="' + 'v'.repeat(2_000_000) + '"} 1\n');
    ep.parse(huge, 'prometheus', undefined, false);
    assert.ok(ep.memo.bytes.length >= huge.length);
    const small = Buffer.from('# TYPE x gauge\nx 1\n');
    for (let k = 0; k < 10; k++) {
      const got = ep.parse(small, 'prometheus', undefined, false);
      assert.deepStrictEqual(plain(got), plain(fresh(small, 'prometheus', undefined, false, true)));
    }
    assert.ok(ep.memo.bytes.length < 4096, `${ep.memo.bytes.length} bytes kept`);
  });
});
