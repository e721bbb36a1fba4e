// The failing tests of a level, read back from its runners' output, for the short
// list `npm test` prints just before its summary table: CI keeps only the tail of
// the output, and a level's own failure lines may be far above it.
//
// Two shapes are read:
//   - mocha's epilogue (spec and dot reporters): "N failing", then per failure
//     "  1) suite" / "       title:" / "     Error: message" / stack lines;
//   - our runners' result lines: "FAIL name …" (e2e, integration, scenarios) and
//     "✘ name" (webview), each with its indented error line(s) after it.

const MAX_TITLE_LINES = 6;
const ERROR_LINES = 2;
const CHARS_PER_LINE = 300;

const clip = (s) => (s.length > CHARS_PER_LINE ? `${s.slice(0, CHARS_PER_LINE - 1)}…` : s);

/**
 * Mocha's failures after its last "N failing" line: one entry per failure, its
 * title path joined with " › " and the first lines of its error.
 * @param {string[]} lines
 * @returns {string[][]}
 */
function mochaFailures(lines) {
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*\d+ failing\s*$/.test(lines[i])) {
      start = i + 1;
      break;
    }
  }
  if (start < 0) return [];
  const out = [];
  let i = start;
  while (i < lines.length) {
    const head = /^\s*(\d+)\) (.*)$/.exec(lines[i]);
    if (!head) {
      i++;
      continue;
    }
    // The title path: lines up to the one that ends with ":" (mocha's "%s) %s:").
    const title = [head[2]];
    let j = i;
    while (!title[title.length - 1].endsWith(':') && j + 1 < lines.length && title.length < MAX_TITLE_LINES) {
      j++;
      title.push(lines[j].trim());
    }
    title[title.length - 1] = title[title.length - 1].replace(/:$/, '');
    const error = [];
    for (j++; j < lines.length && error.length < ERROR_LINES && !/^\s*\d+\) /.test(lines[j]); j++) {
      const t = lines[j].trim();
      if (t !== '' && !t.startsWith('at ')) error.push(t);
      else if (t.startsWith('at ') && error.length > 0) break;
    }
    out.push([`${head[1]}) ${title.join(' › ')}`, ...error.map((e) => `   ${e}`)]);
    i = j;
  }
  return out;
}

/**
 * Our runners' "FAIL …" / "✘ …" lines, each with the next line(s) indented deeper
 * (its error), up to ERROR_LINES of them.
 * @param {string[]} lines
 * @returns {string[][]}
 */
function resultLineFailures(lines) {
  const out = [];
  const indent = (s) => /^\s*/.exec(s)[0].length;
  for (let i = 0; i < lines.length; i++) {
    const m = /(?:^|\]\s|^\s+)(FAIL\b.*|✘ .*)$/.exec(lines[i]);
    if (!m) continue;
    const entry = [m[1].trim()];
    for (let j = i + 1; j < lines.length && entry.length <= ERROR_LINES; j++) {
      if (lines[j].trim() === '' || indent(lines[j]) <= indent(lines[i]) || /\b(PASS|FAIL)\b|^\s*[✔✘] /.test(lines[j])) break;
      entry.push(`   ${lines[j].trim()}`);
    }
    out.push(entry);
  }
  return out;
}

/**
 * At most `maxLines` lines naming a level's failures in `outputs` (its runners'
 * outputs, in order), or its output's last lines when no failure line is found
 * (a crash, a compile error): never empty for a level that failed.
 * @param {string[]} outputs
 * @param {number} [maxLines]
 * @returns {string[]}
 */
export function failureLines(outputs, maxLines = 20) {
  const entries = [];
  for (const output of outputs) {
    const lines = output.replace(/\r/g, '').split('\n');
    // A mocha run is read by its epilogue alone: lines its tests print may start with "FAIL".
    const isMocha = lines.some((l) => /^\s*\d+ (passing|failing)\b/.test(l));
    entries.push(...(isMocha ? mochaFailures(lines) : resultLineFailures(lines)));
  }
  if (entries.length === 0) {
    const tail = outputs.join('\n').replace(/\r/g, '').split('\n').filter((l) => l.trim() !== '').slice(-5);
    return ['(no failing test named in the output; its last lines:)', ...tail.map((l) => `   ${clip(l.trim())}`)];
  }
  const lines = [];
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k].map(clip);
    // Keep one line for "… and N more" while entries remain after this one.
    const room = maxLines - (k + 1 < entries.length ? 1 : 0) - lines.length;
    if (entry.length > room) {
      // The first failure's title is always named, however long its error.
      if (k === 0) lines.push(entry[0]);
      const left = entries.length - (k === 0 ? 1 : k);
      if (left > 0) lines.push(`… and ${left} more (see the level's output above)`);
      return lines;
    }
    lines.push(...entry);
  }
  return lines;
}
