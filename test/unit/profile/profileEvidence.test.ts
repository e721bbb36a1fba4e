import assert from 'node:assert/strict';
import type { Issue } from '../../../src/core/analyze/issue';
import { profileKindFor, profileQuote, profileSection, ProfileEvidence, quoteProfiles } from '../../../src/core/profile/profileEvidence';

const cpu: ProfileEvidence = {
  kind: 'cpu',
  pid: 42,
  atMs: Date.UTC(2026, 10, 29, 14, 2),
  durationMs: 10_000,
  rows: [
    { function: '(garbage collector)', file: '(native)', line: 0, inWorkspace: false, selfPercent: 70, totalPercent: 70 },
    { function: 'broadcast', file: 'examples/chat-server/chatRooms.js', line: 88, inWorkspace: true, selfPercent: 62, totalPercent: 80 },
  ],
};
const heap: ProfileEvidence = { kind: 'heap', pid: 42, atMs: 1000, durationMs: 20_000, rows: [{ function: 'leak', file: 'faults.js', line: 9, inWorkspace: true, growthBytes: 2 * 1048576 }] };
const issue = (id: string): Issue => ({ id, category: 'cpu', severity: 'warning', title: id, summary: '', evidence: [], recommendations: { now: [], investigate: [] } }) as unknown as Issue;

describe('profile evidence in the report', () => {
  it('quotes the hottest function of the workspace, not a native one', () => {
    assert.equal(profileQuote(cpu)!.text, '62% of CPU in broadcast at examples/chat-server/chatRooms.js:88');
    assert.equal(profileQuote(heap)!.text, 'leak at faults.js:9 grew the most (+2 MiB)');
  });

  it('adds the newest matching profile to CPU saturation and memory-leak issues only', () => {
    const out = quoteProfiles([issue('cpu-saturation'), issue('memory-leak'), issue('fd-leak')], [heap, cpu]);
    assert.deepEqual(out[0]!.evidence, [{ label: 'CPU profile', value: '62% of CPU in broadcast at examples/chat-server/chatRooms.js:88', window: { fromMs: cpu.atMs, toMs: cpu.atMs + 10_000 } }]);
    assert.equal(out[1]!.evidence[0]!.label, 'Heap profile');
    assert.deepEqual(out[2]!.evidence, []);
  });

  it('renders a Profile section with function names and paths inert', () => {
    const hostile: ProfileEvidence = { ...cpu, rows: [{ function: 'x[click](command:evil)`', file: 'a_b<img>.js', line: 3, inWorkspace: true, selfPercent: 50, totalPercent: 50 }] };
    const md = profileSection([hostile]).join('\n');
    assert.match(md, /^## Profile/);
    assert.match(md, /\| 50% \| 50% \|/);
    // Outside code spans (where nothing is HTML or a link) no tag or link survives.
    const outsideCode = md.replace(/``.*?``|`[^`]*`/g, '');
    assert.ok(!outsideCode.includes('<img>'), md);
    assert.ok(!/\]\(command:/.test(outsideCode), md);
  });

  it('offers "Profile now" for the server\'s CPU (cpu) and memory (heap) alerts, not the machine\'s', () => {
    assert.equal(profileKindFor('process_cpu_usage_percent'), 'cpu');
    assert.equal(profileKindFor('process_resident_memory_bytes'), 'heap');
    assert.equal(profileKindFor('nodejs_heap_size_used_bytes'), 'heap');
    assert.equal(profileKindFor('system_memory_usage_percent'), undefined);
    assert.equal(profileKindFor('chat_message_latency_seconds_p95'), undefined);
  });
});
