import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ExpositionFormat, ParsedExposition, SampleColumnPool, parseExposition, parseExpositionBytes } from '../../../src/core/scrape/parser';
import { decodeUtf8 } from '../../../src/core/scrape/promVerdict';
import { SeriesCache, seriesTextHash } from '../../../src/core/scrape/seriesCache';
import { heapUsedAfterGc } from '../helpers/heap';

const corpus = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'conformance', 'corpus');

function bodies(): { id: string; text: string; invalidUtf8At?: number[]; format: ExpositionFormat }[] {
  const out = [];
  for (const dir of ['own', 'openmetrics']) {
    for (const name of fs.readdirSync(path.join(corpus, dir)).sort()) {
      if (!/\.(om|prom|txt)$/.test(name)) continue;
      const { text, invalidUtf8At } = decodeUtf8(fs.readFileSync(path.join(corpus, dir, name)));
      out.push({ id: `${dir}/${name}`, text, invalidUtf8At, format: (name.endsWith('.om') ? 'openmetrics' : 'prometheus') as ExpositionFormat });
    }
  }
  return out;
}

/** Everything a consumer reads from a parse, as plain data. */
function plain(p: ParsedExposition): unknown {
  return JSON.parse(JSON.stringify({ families: p.families, problems: p.problems, count: p.sampleCount, verdict: p.verdict }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}

/** Every sample of a parse as [family, type, name, labels, value], from its objects or its columns. */
function rowsOf(p: ParsedExposition): unknown[] {
  const out: unknown[] = [];
  for (const f of p.families) {
    const c = f.columns;
    if (c) for (let i = 0; i < c.length; i++) out.push([f.name, f.type, f.help, f.unit, c.name(i), { ...c.labels(i) }, c.value(i)]);
    else for (const x of f.samples) out.push([f.name, f.type, f.help, f.unit, x.name, { ...x.labels }, x.value]);
  }
  return out;
}

describe('SeriesCache: a scrape reuses the previous parse of unchanged series', () => {
  it('every conformance body reads the same with a warm cache as without one (bodies parsed in turn through one cache per format)', () => {
    const all = bodies();
    assert.ok(all.length > 300, `corpus has ${all.length} bodies`);
    const caches = { prometheus: new SeriesCache(), openmetrics: new SeriesCache() };
    let hits = 0;
    for (const round of [0, 1]) {
      for (const b of all) {
        const cache = caches[b.format];
        const before = cache.size;
        const cold = parseExposition(b.text, { format: b.format, invalidUtf8At: b.invalidUtf8At });
        const warm = parseExposition(b.text, { format: b.format, invalidUtf8At: b.invalidUtf8At, seriesCache: cache });
        assert.deepEqual(plain(warm), plain(cold), `${b.id}, round ${round}`);
        if (round === 1 && cache.size === before) hits++;
      }
    }
    assert.ok(hits > 100, `the second round should find its series cached (${hits} bodies)`);
  });

  it('a warm parse equals a fresh one when families change, stay, move, go and come back (both formats, text and bytes)', () => {
    const fam = {
      a: (v: number) => `# HELP a_total Messages.\n# TYPE a_total counter\na_total{room="x"} ${v}\na_total{room="y"} ${v + 1}\n`,
      b: (v: number) => `# TYPE b gauge\n# UNIT b seconds\nb{q="1",r="2"} ${v}.5\nb{r="2",q="1"} 3\n`,
      h: (v: number) => `# TYPE h histogram\nh_bucket{le="1"} ${v}\nh_bucket{le="+Inf"} ${v + 2}\nh_sum ${v * 0.5}\nh_count ${v + 2}\n`,
    };
    const bodies = [
      [fam.a(1), fam.b(1), fam.h(1)], // first read
      [fam.a(1), fam.b(1), fam.h(1)], // unchanged
      [fam.a(5), fam.b(2), fam.h(9)], // values changed
      [fam.h(9), fam.a(5), fam.b(2)], // reordered
      [fam.a(6), fam.h(10)], // b removed
      [fam.b(7), fam.a(6), fam.h(10)], // b back, first
      [fam.a(6).replace('counter', 'gauge'), fam.h(10)], // a's TYPE changed
      [fam.a(6).replace('room="x"', 'room="x",extra="1"'), '# TYPE a_total counter\n', fam.h(11)], // a's labels changed, TYPE after its samples
    ];
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const cache = new SeriesCache();
      const bytesCache = new SeriesCache();
      const columns = new SampleColumnPool();
      for (const [k, parts] of bodies.entries()) {
        const text = parts.join('') + (format === 'openmetrics' ? '# EOF\n' : '');
        const fresh = plain(parseExposition(text, { format }));
        assert.deepEqual(plain(parseExposition(text, { format, seriesCache: cache })), fresh, `${format} body ${k}, text`);
        const viaBytes = parseExpositionBytes(Buffer.from(text), { format, seriesCache: bytesCache, columns });
        assert.deepEqual(rowsOf(viaBytes), rowsOf(parseExposition(text, { format })), `${format} body ${k}, bytes and columns`);
        assert.deepEqual(viaBytes.verdict, parseExposition(text, { format }).verdict);
        assert.deepEqual(viaBytes.problems, parseExposition(text, { format }).problems);
      }
    }
  });

  it('reads a HELP, TYPE or UNIT line seen before from the cache, with the same family and the same problems', () => {
    const cache = new SeriesCache();
    const text = '# HELP a Messages \\n sent.\n# TYPE a gauge\n# UNIT a seconds\n# TYPE b kounter\na 1\nb 2\n# EOF\n';
    const first = parseExposition(text, { format: 'openmetrics', seriesCache: cache });
    const looked: boolean[] = [];
    const metaAt = cache.metaAt.bind(cache);
    cache.metaAt = (...args) => {
      const m = metaAt(...args);
      looked.push(m !== undefined);
      return m;
    };
    const second = parseExposition(text, { format: 'openmetrics', seriesCache: cache });
    assert.deepEqual(looked, [true, true, true, true, false], 'every metadata line from the cache; # EOF is not kept');
    assert.deepEqual(plain(second), plain(first));
    assert.deepEqual(plain(second), plain(parseExposition(text, { format: 'openmetrics' })));
    assert.equal(second.families[0]!.help, 'Messages \n sent.');
    assert.match(second.problems[0] ?? '', /kounter/, 'the bad TYPE is said again');
  });

  it('hands on the same name and labels objects for an unchanged series, and reads the new value', () => {
    const cache = new SeriesCache();
    const a = parseExposition('# TYPE m counter\nm_total{room="lobby",path="/a\\"}"} 1\nm_total{room="x"} 2\n', { seriesCache: cache });
    const b = parseExposition('# TYPE m counter\nm_total{room="lobby",path="/a\\"}"} 5\nm_total{room="x"} 2\n', { seriesCache: cache });
    const sa = a.families[0]!.samples;
    const sb = b.families[0]!.samples;
    assert.equal(sb[0]!.labels, sa[0]!.labels, 'the same labels object');
    assert.deepEqual({ ...sb[0]!.labels }, { room: 'lobby', path: '/a"}' });
    assert.equal(sb[0]!.value, 5);
    assert.equal(sb[1]!.labels, sa[1]!.labels);
    assert.equal(cache.size, 2);
  });

  it('never serves a series whose bytes were not valid UTF-8 from the cache', () => {
    const cache = new SeriesCache();
    // A real U+FFFD character first: valid, cached.
    parseExposition('m{a="\ufffd"} 1\n', { seriesCache: cache });
    const { text, invalidUtf8At } = decodeUtf8(Buffer.concat([Buffer.from('m{a="'), Buffer.from([0xff]), Buffer.from('"} 1\n')]));
    const p = parseExposition(text, { invalidUtf8At, seriesCache: cache });
    assert.equal(p.sampleCount, 0);
    assert.match(p.problems[0] ?? '', /not valid UTF-8/);
  });

  it('finds a series by its place in the text and its hash, also when two series share a hash', () => {
    const cache = new SeriesCache();
    const a = { a: '1' };
    const b = { b: '2' };
    // Two texts forced onto one hash: the first keeps the hash's slot, the second is found by its text.
    cache.set('m{a="1"}', a, 7);
    cache.set('m{b="2"}', b, 7);
    const body = 'x m{b="2"} 1\nm{a="1"} 2\n';
    assert.equal(cache.getAt(body, 2, 10, 7), b);
    assert.equal(cache.getAt(body, 13, 21, 7), a);
    assert.equal(cache.getAt(body, 13, 21, 8), undefined, 'a hash no series has');
    assert.equal(cache.getAt('m{a="1"}', 0, 8, seriesTextHash('m{a="1"}', 0, 8)), undefined, 'its own hash was never set for it');
    cache.set('m{c="3"}', a);
    assert.equal(cache.getAt('zz m{c="3"} 1', 3, 11, seriesTextHash('zz m{c="3"} 1', 3, 11)), a, 'the default hash is seriesTextHash');
  });

  it('starts over for a body of the other format, and when full', () => {
    const cache = new SeriesCache(2);
    parseExposition('m{a="1"} 1\nm{a="2"} 1\n', { seriesCache: cache, format: 'prometheus' });
    assert.equal(cache.size, 2);
    parseExposition('m{a="3"} 1\n', { seriesCache: cache, format: 'prometheus' });
    assert.equal(cache.size, 1);
    parseExposition('m{a="3"} 1\n# EOF\n', { seriesCache: cache, format: 'openmetrics' });
    assert.equal(cache.size, 1);
    assert.deepEqual({ ...cache.get('m{a="3"}') }, { a: '3' });
  });

  it('a cached series costs its labels and one flat key: under 140 bytes of heap (10,000 series at the limit)', () => {
    const n = 20_000;
    let body = '# TYPE chat_user_messages gauge\n';
    for (let i = 0; i < n; i++) body += `chat_user_messages{user="user-number-${i}",room="room-${i % 50}"} ${i}\n`;
    const cache = new SeriesCache(2 * n);
    const before = heapUsedAfterGc();
    parseExposition(body, { seriesCache: cache, maxSeries: n });
    const perSeries = (heapUsedAfterGc() - before) / n;
    assert.equal(cache.size, n);
    // Measured: 125 bytes (the labels object, the key, the hash's map slot and two array
    // slots: 100 with a map by key text, which needed a sliced string per line to look
    // up); with a {name, labels} wrapper and a sliced copy as the key it was 179.
    assert.ok(perSeries < 140, `${perSeries.toFixed(0)} bytes a cached series`);
  });
});
