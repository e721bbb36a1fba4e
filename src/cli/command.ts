/**
 * The CLI's subcommands on node's util.parseArgs: each command declares its options
 * once (name, type, placeholder, help line); its `--help`, the parsing and the
 * sentences for bad arguments come from that declaration. To add a subcommand:
 * write a `CliCommand` in its own file and add it to COMMANDS in commands.ts.
 *
 * The texts for people (summary, description, each option's help) are getters that
 * call `l10n.t` when read, so they follow the display language `--lang` or the
 * environment chose (main.ts sets it before anything is printed), whatever the order
 * in which the modules were loaded.
 *
 * Exit codes: 0 ok, 1 the run found what the user asked to fail on, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import * as l10n from '@vscode/l10n';

export const PROGRAM = 'chatroom-monitor';

export interface CliOption {
  readonly type: 'string' | 'boolean';
  /** Placeholder of the value in help ("N", "URL"); string options only. */
  readonly value?: string;
  readonly short?: string;
  /** The flag may be given more than once (`--log a --log b`); its value is then a string array. */
  readonly multiple?: boolean;
  /** One line for --help. */
  readonly help: string;
}

export type CliValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

/** Where a command writes: the real streams, or a test's buffers. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** What follows the command name in the usage line: "(--port N | --pid N) [options]". */
  readonly usage: string;
  /** A paragraph under the usage line. */
  readonly description: string;
  readonly options: Readonly<Record<string, CliOption>>;
  /** True when the command takes positional arguments (`run -- CMD ARGS…`). */
  readonly positionals?: boolean;
  /** Runs with parsed options; returns the exit code. Bad values: write a sentence to stderr, return 2. */
  run(values: CliValues, io: CliIo, positionals: readonly string[]): Promise<number>;
}

const HELP_OPTION: CliOption = {
  type: 'boolean',
  short: 'h',
  get help() {
    return l10n.t('show this help');
  },
};

export function commandHelp(cmd: CliCommand): string {
  const options = { ...cmd.options, help: HELP_OPTION };
  const left = Object.entries(options).map(([name, o]) => `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = Object.values(options).map((o, i) => `  ${left[i]!.padEnd(width)}${o.help}`);
  return `${l10n.t('Usage: {0}', `${PROGRAM} ${cmd.name} ${cmd.usage}`)}\n\n${cmd.description}\n\n${lines.join('\n')}\n`;
}

export function programHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return (
    `${l10n.t('Usage: {0}', `${PROGRAM} <command> [options]`)}\n\n` +
    `${l10n.t('Commands:')}\n${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}\n\n` +
    `${l10n.t('{0} says more about one command.', `${PROGRAM} <command> --help`)}\n`
  );
}

/** Parses a command's arguments; a bad one gives one sentence naming the flag. */
export function parseCommandArgs(
  cmd: CliCommand,
  argv: readonly string[],
): { ok: true; values: CliValues; positionals: readonly string[] } | { ok: false; message: string } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries({ ...cmd.options, help: HELP_OPTION })) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: cmd.positionals === true });
    return { ok: true, values: values as CliValues, positionals };
  } catch (err) {
    return { ok: false, message: argumentSentence(err) };
  }
}

/** util.parseArgs' errors, said the way the rest of the CLI says things. */
function argumentSentence(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return l10n.t('Unknown option {0}.', flag ?? message);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return l10n.t('Unexpected argument "{0}".', /'([^']*)'/.exec(message)?.[1] ?? message);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(message) ? l10n.t('{0} takes no value.', flag ?? '') : l10n.t('{0} needs a value.', flag ?? '');
    default:
      return message;
  }
}

/** `chatroom-monitor <command> …`: help, dispatch, and the exit code. */
export async function runCli(commands: readonly CliCommand[], argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const about = name === 'help' && rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout(about ? commandHelp(about) : programHelp(commands));
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`${PROGRAM}: ${l10n.t('unknown command "{0}".', name)}\n\n${programHelp(commands)}`);
    return 2;
  }
  const parsed = parseCommandArgs(cmd, rest);
  if (!parsed.ok) {
    io.stderr(`${PROGRAM} ${cmd.name}: ${parsed.message}\n\n${commandHelp(cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(cmd));
    return 0;
  }
  return cmd.run(parsed.values, io, parsed.positionals);
}
