/**
 * The headless CLI over the same core as the extension:
 *   chatroom-monitor report --port 8080 --duration 60s [--json] [--fail-on warning|critical]
 *   chatroom-monitor run [--min-uptime 1s] [--max-restarts 10] [--audit FILE] [--report FILE] -- CMD ARGS…
 * Each subcommand lives in its own file as a CliCommand (see command.ts); add new
 * ones to COMMANDS in commands.ts.
 * `--lang zh-cn` (or LANG/LC_ALL) before any command: the display language.
 * Exit codes: 0 ok, 1 the status reached --fail-on, 2 bad arguments or settings.
 */
import { PROGRAM, runCli } from './command';
import { COMMANDS } from './commands';
import { applyCliLanguage } from './lang';

runCli(COMMANDS, applyCliLanguage(process.argv.slice(2), process.env).argv, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${PROGRAM}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
