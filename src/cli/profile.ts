/**
 * `chatroom-monitor profile (--port N | --pid N) [--duration 10s] [--heap] --out FILE [--json]`:
 * attaches to the running server, captures a CPU profile (or the heap growth by
 * allocation site), writes the profile file and prints the top entries.
 * Exit codes: 0 written, 1 the capture failed (the sentence is on stderr), 2 bad arguments.
 */
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import path from 'node:path';
import { ProcfsProcessLocator } from '../core/process/locator';
import { captureCpuProfile, captureHeapDiff, MAX_PROFILE_DURATION_MS, MIN_PROFILE_DURATION_MS } from '../core/profile/capture';
import { profileJson, profileLines } from '../core/profile/profileOutput';
import { capturePySpy, isPythonProcess } from '../core/profile/pySpy';
import { checkWritableFile, duration, durationError, wholeNumber } from './args';
import { CliCommand, CliOption, CliIo, CliValues, parseCommandArgs, PROGRAM } from './command';

const DEFAULT_DURATION_MS = 10_000;

export const profileCommand: CliCommand = {
  name: 'profile',
  get summary() {
    return l10n.t('record a CPU or heap profile of the running server and print its hot spots');
  },
  usage: '(--port N | --pid N) [--duration 10s] [--heap] --out FILE [--json]',
  get description() {
    return l10n.t('Attaches to a running Node server (its inspector, opened with SIGUSR1 and closed\nafterwards) and records a CPU profile, or with --heap the heap growth between two\nmoments by allocation site. A Python server is profiled with py-spy when installed.');
  },
  get options(): Readonly<Record<string, CliOption>> {
    return {
      port: { type: 'string', value: 'N', help: l10n.t('the server listens on TCP port N') },
      pid: { type: 'string', value: 'N', help: l10n.t("the server's process id") },
      duration: { type: 'string', value: '10s', help: l10n.t('how long to record (1s to 60s; default 10s)') },
      heap: { type: 'boolean', help: l10n.t('heap sampling: what grew, by allocation site (.heapprofile)') },
      out: { type: 'string', value: 'FILE', help: l10n.t('where to write the profile (.cpuprofile / .heapprofile)') },
      json: { type: 'boolean', help: l10n.t('print { "hotFunctions": [...] } (or "allocationSites") instead of a table') },
      quiet: { type: 'boolean', help: l10n.t('no progress on stderr') },
    };
  },
  run: (values, io) => {
    const parsed = profileArgsFrom(values);
    if (!parsed.ok) {
      io.stderr(`${PROGRAM} profile: ${parsed.message}\n`);
      return Promise.resolve(2);
    }
    return runProfile(parsed.args, io);
  },
};

export interface ProfileArgs {
  readonly pid?: number;
  readonly port?: number;
  readonly durationMs: number;
  readonly heap: boolean;
  readonly out: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

export function parseProfileArgs(argv: readonly string[]): { ok: true; args: ProfileArgs } | { ok: false; message: string } {
  const parsed = parseCommandArgs(profileCommand, argv);
  return parsed.ok ? profileArgsFrom(parsed.values) : parsed;
}

function profileArgsFrom(values: CliValues): { ok: true; args: ProfileArgs } | { ok: false; message: string } {
  const num = (flag: 'port' | 'pid', max: number): number | { error: string } | undefined =>
    typeof values[flag] === 'string' ? wholeNumber(`--${flag}`, values[flag] as string, 1, max) : undefined;
  const port = num('port', 65535);
  const pid = num('pid', 2 ** 31 - 1);
  for (const v of [port, pid]) {
    if (typeof v === 'object') return { ok: false, message: v.error };
  }
  if ((port === undefined) === (pid === undefined)) {
    return { ok: false, message: l10n.t('Say which server to profile: --port N or --pid N (one of them).') };
  }
  const d = duration('--duration', typeof values.duration === 'string' ? values.duration : `${DEFAULT_DURATION_MS / 1000}s`, MIN_PROFILE_DURATION_MS, MAX_PROFILE_DURATION_MS);
  if (typeof d === 'object') {
    return { ok: false, message: durationError('--duration', String(values.duration), { min: `${MIN_PROFILE_DURATION_MS / 1000}s`, max: `${MAX_PROFILE_DURATION_MS / 1000}s` }) };
  }
  const out = typeof values.out === 'string' ? values.out : '';
  if (!out) {
    return { ok: false, message: l10n.t('Say where to write the profile: --out FILE.') };
  }
  const bad = checkWritableFile('--out', out);
  if (bad) return { ok: false, message: bad };
  return {
    ok: true,
    args: {
      ...(port !== undefined ? { port: port as number } : {}),
      ...(pid !== undefined ? { pid: pid as number } : {}),
      durationMs: d,
      heap: values.heap === true,
      out,
      json: values.json === true,
      quiet: values.quiet === true,
    },
  };
}

export async function runProfile(a: ProfileArgs, io: CliIo): Promise<number> {
  const say = (s: string) => !a.quiet && io.stderr(`${PROGRAM}: ${s}\n`);
  let pid = a.pid;
  if (pid === undefined) {
    const found = await new ProcfsProcessLocator().locate({ port: a.port });
    if (!found.ok) {
      io.stderr(`${PROGRAM}: ${found.message.replace(/ \(chatroomMonitor\.\S+\)/, '')}\n`);
      return 1;
    }
    pid = found.process.pid;
  }
  const out = path.resolve(a.out);
  if (await isPythonProcess(pid)) {
    const r = await capturePySpy({ pid, durationMs: a.durationMs, out, workspaceRoots: [process.cwd()], log: say });
    if (!r.ok) {
      io.stderr(`${PROGRAM}: ${r.message}\n`);
      return 1;
    }
    const hotFunctions = r.hotFunctions.slice(0, 10).map((h) => ({ function: h.function, file: h.file, line: h.line, selfPercent: h.selfPercent, totalPercent: h.totalPercent }));
    io.stdout(a.json ? JSON.stringify({ hotFunctions, pid, file: out }, null, 2) + '\n' : r.lines.join('\n') + '\n');
    return 0;
  }
  say(l10n.t('profiling process {0} for {1} s…', pid, a.durationMs / 1000));
  const opts = { pid, durationMs: a.durationMs, workspaceRoots: [process.cwd()], log: say };
  const r = a.heap ? await captureHeapDiff(opts) : await captureCpuProfile(opts);
  if (!r.ok) {
    io.stderr(`${PROGRAM}: ${r.message}\n`);
    return 1;
  }
  fs.writeFileSync(out, r.fileText);
  say(l10n.t('profile written to {0}', out));
  io.stdout(a.json ? JSON.stringify(profileJson(r, out), null, 2) + '\n' : profileLines(r).join('\n') + '\n');
  return 0;
}
