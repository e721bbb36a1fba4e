import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  CLOCK_TICKS_PER_SECOND,
  decodeProcAddress,
  parseBootTimeSeconds,
  parseCmdline,
  parseCpuTimes,
  parseMaxOpenFiles,
  parseMemInfo,
  parseNetDev,
  parseProcStat,
  parseProcStatus,
  parseTcpListeners,
  parseUptimeSeconds,
  socketInode,
} from '../../../src/core/process/procfs';

// A real stat line with the comm replaced by a hostile one.
const STAT_TAIL =
  'S 1200 4242 1200 34816 4242 4194560 2905 0 0 0 731 95 0 0 20 0 11 0 8631529 1201037312 13139 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0';

describe('procfs parsers', () => {
  it('CLOCK_TICKS_PER_SECOND matches getconf CLK_TCK', () => {
    assert.equal(CLOCK_TICKS_PER_SECOND, Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()));
  });

  it('parses /proc/PID/stat whose comm holds spaces and ") ("', () => {
    const s = parseProcStat(`4242 (my) (evil) proc) ${STAT_TAIL}\n`);
    assert.ok(s);
    assert.equal(s.pid, 4242);
    assert.equal(s.comm, 'my) (evil) proc');
    assert.equal(s.state, 'S');
    assert.equal(s.ppid, 1200);
    assert.equal(s.utimeTicks, 731);
    assert.equal(s.stimeTicks, 95);
    assert.equal(s.numThreads, 11);
    assert.equal(s.startTicks, 8631529);
  });

  it('rejects text that is not a stat line', () => {
    assert.equal(parseProcStat(''), undefined);
    assert.equal(parseProcStat('4242 (node'), undefined);
    assert.equal(parseProcStat('4242 (node) S'), undefined);
  });

  it('parses VmRSS (exact kB × 1024) and Threads from /proc/PID/status; zombies have no VmRSS', () => {
    const st = parseProcStatus('Name:\tnode\nState:\tS (sleeping)\nVmRSS:\t   52556 kB\nRssAnon:\t 1 kB\nThreads:\t7\n');
    assert.deepEqual(st, { vmRssBytes: 52556 * 1024, threads: 7 });
    assert.equal(parseProcStatus('Name:\tnode\nState:\tZ (zombie)\nThreads:\t1\n').vmRssBytes, undefined);
  });

  // Trailing NULs are all dropped: a process that rewrites its title (npm) pads argv with them.
  it('splits /proc/PID/cmdline at NUL and drops trailing padding', () => {
    assert.deepEqual(parseCmdline('node\0server.js\0--port\0'), ['node', 'server.js', '--port']);
    assert.deepEqual(parseCmdline('npm start\0\0\0\0'), ['npm start']);
    assert.deepEqual(parseCmdline('node\0a b\0'), ['node', 'a b']);
    assert.deepEqual(parseCmdline(''), []);
  });

  it('reads the soft "Max open files" limit; unlimited is undefined', () => {
    const limits = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             96365                96365                processes ',
      'Max open files            1024                 1048576              files     ',
    ].join('\n');
    assert.equal(parseMaxOpenFiles(limits), 1024);
    assert.equal(parseMaxOpenFiles(limits.replace('1024 ', 'unlimited')), undefined);
    assert.equal(parseMaxOpenFiles('nothing'), undefined);
  });

  it('parses the aggregate cpu line of /proc/stat without double-counting guest time', () => {
    const text = 'cpu  100 5 50 800 20 3 2 10 40 7\ncpu0 1 2 3 4 5 6 7 8 9 10\nintr 1 2\nbtime 1795614161\n';
    // guest (40) and guest_nice (7) are already inside user and nice.
    assert.deepEqual(parseCpuTimes(text), { totalTicks: 100 + 5 + 50 + 800 + 20 + 3 + 2 + 10, idleTicks: 820 });
    assert.equal(parseBootTimeSeconds(text), 1795614161);
    assert.equal(parseCpuTimes('cpu0 1 2 3 4\n'), undefined);
  });

  it('parses MemTotal and MemAvailable, with a fallback where MemAvailable is missing', () => {
    assert.deepEqual(parseMemInfo('MemTotal:       16000 kB\nMemFree:  1000 kB\nMemAvailable:   6000 kB\n'), {
      totalBytes: 16000 * 1024,
      availableBytes: 6000 * 1024,
    });
    assert.deepEqual(parseMemInfo('MemTotal: 16000 kB\nMemFree: 1000 kB\nBuffers: 500 kB\nCached: 2500 kB\n'), {
      totalBytes: 16000 * 1024,
      availableBytes: 4000 * 1024,
    });
    assert.equal(parseMemInfo('garbage'), undefined);
  });

  it('parses /proc/net/dev receive and transmit bytes per interface', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:    3245      30    0    0    0     0          0         0     3245      30    0    0    0     0       0          0',
      '  eth0: 359143646    9965    0    0    0     0          0         0  1258810    7837    0    0    0     0       0          0',
    ].join('\n');
    const m = parseNetDev(text);
    assert.deepEqual([...m.keys()], ['lo', 'eth0']);
    assert.deepEqual(m.get('eth0'), { rxBytes: 359143646, txBytes: 1258810 });
  });

  it('parses /proc/uptime', () => {
    assert.equal(parseUptimeSeconds('12345.67 23456.78\n'), 12345.67);
    assert.equal(parseUptimeSeconds(''), undefined);
  });

  it('finds LISTEN sockets in /proc/net/tcp and tcp6 with port, address and inode', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 55501 1 0 100 0 0 10 0',
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 55502 1 0 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual(parseTcpListeners(tcp), [{ address: '127.0.0.1', port: 8080, inode: 55501 }]);
    const tcp6 =
      '   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0 100 0 0 10 0\n' +
      '   1: 00000000000000000000000001000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 778 1 0 100 0 0 10 0\n';
    assert.deepEqual(parseTcpListeners(tcp6), [
      { address: '::', port: 3000, inode: 777 },
      { address: '::1', port: 8000, inode: 778 },
    ]);
  });

  it('decodes IPv6 addresses word by word', () => {
    assert.equal(decodeProcAddress('000080FE00000000FF565002BD69B1FE'), 'fe80::250:56ff:feb1:69bd');
  });

  it('recognises socket fd links', () => {
    assert.equal(socketInode('socket:[12345]'), 12345);
    assert.equal(socketInode('pipe:[12345]'), undefined);
    assert.equal(socketInode('/dev/null'), undefined);
  });
});
