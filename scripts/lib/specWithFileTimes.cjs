// Mocha's spec reporter, then the slowest test files with their hooks: where a
// lane's time went (the spec reporter times tests only, and a file's `before`,
// which starts a server or a whole bench run, is often most of it).
//   mocha --reporter ./scripts/lib/specWithFileTimes.cjs
// SLOWEST_FILES (default 12) sets how many files the list names.
'use strict';
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithFileTimes extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const began = new Map();
    /** file → ms spent in its top-level suites, hooks included */
    const files = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.parent?.root && suite.file) began.set(suite, performance.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const t0 = began.get(suite);
      if (t0 !== undefined) files.set(suite.file, (files.get(suite.file) ?? 0) + performance.now() - t0);
    });
    // After the spec reporter's own epilogue (it subscribed first).
    runner.once(EVENT_RUN_END, () => {
      const n = Number(process.env.SLOWEST_FILES ?? 12);
      const all = [...files].sort((a, b) => b[1] - a[1]);
      const total = all.reduce((s, [, ms]) => s + ms, 0);
      Mocha.reporters.Base.consoleLog(`  slowest files (hooks included) of ${(total / 1000).toFixed(1)} s in ${all.length} files:`);
      for (const [file, ms] of all.slice(0, n)) {
        Mocha.reporters.Base.consoleLog(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${path.relative(process.cwd(), file)}`);
      }
      Mocha.reporters.Base.consoleLog();
    });
  }
}

module.exports = SpecWithFileTimes;
