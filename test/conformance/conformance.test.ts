/**
 * The conformance level: every body of the public corpus (test/conformance/corpus)
 * read by our parser, compared with what a REAL Prometheus did with the same bytes
 * (test/conformance/expected.json, recorded by scripts/record-prometheus.mjs):
 *  - the verdict: Prometheus accepted the scrape, or rejected it, and with which
 *    error text (our verdict's reason must be Prometheus' own);
 *  - for an accepted body, every stored sample: name, labels, value, timestamp.
 * Prints "N of M bodies agree with Prometheus' verdict and samples".
 */
import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ExpositionFormat, parseExposition } from '../../src/core/scrape/parser';
import { decodeUtf8 } from '../../src/core/scrape/promVerdict';
import { StoredSample, storedSamples } from './stored';

interface Recorded {
  format: ExpositionFormat;
  verdict: 'accept' | 'reject';
  error?: string;
  samples: { name: string; labels: Record<string, string>; value: string; timestampMs: number | null }[];
}

const here = path.resolve(__dirname, '..', '..', '..', 'test', 'conformance');
const expected = JSON.parse(fs.readFileSync(path.join(here, 'expected.json'), 'utf8')) as {
  recordedWith: string;
  bodies: Record<string, Recorded>;
};

/** Prometheus' value text: Go's FormatFloat(v, 'f', -1), NaN, +Inf, -Inf. */
function promValue(s: string): number {
  return s === 'NaN' ? NaN : s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);
}

function key(s: { name: string; labels: Record<string, string>; timestampMs: number | null }): string {
  return JSON.stringify([s.name, Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)), s.timestampMs]);
}

/** Error texts name the scrape target's own labels; the corpus bodies do not know them. */
function withoutTargetLabels(reason: string | undefined): string | undefined {
  return reason?.replace(/, instance="[^"]*", job="[^"]*"\}$/, '}');
}

function compare(id: string, rec: Recorded): void {
  const bytes = fs.readFileSync(path.join(here, 'corpus', id));
  const { text, invalidUtf8At } = decodeUtf8(bytes);
  const parsed = parseExposition(text, { format: rec.format, invalidUtf8At });
  const v = parsed.verdict;
  assert.equal(v.accept ? 'accept' : 'reject', rec.verdict, `verdict (ours: ${v.reason ?? 'accept'}; Prometheus: ${rec.error ?? 'accept'})`);
  if (!v.accept) {
    assert.equal(v.reason, withoutTargetLabels(rec.error), 'reason');
    return;
  }
  const ours = new Map<string, StoredSample>(storedSamples(parsed).map((s) => [key(s), s]));
  const theirs = new Map(rec.samples.map((s) => [key(s), s]));
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort(), 'series and timestamps');
  for (const [k, t] of theirs) {
    const o = ours.get(k)!;
    assert.ok(Object.is(o.value, promValue(t.value)), `${k}: value ${o.value}, Prometheus ${t.value}`);
  }
}

describe(`conformance with ${expected.recordedWith}`, () => {
  let agreed = 0;
  const ids = Object.keys(expected.bodies);
  for (const id of ids) {
    it(id, () => {
      compare(id, expected.bodies[id]!);
      agreed++;
    });
  }
  after(() => {
    console.log(`\n${agreed} of ${ids.length} bodies agree with Prometheus' verdict and samples`);
  });
});
