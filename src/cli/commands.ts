import { CliCommand } from './command';
import { compareCommand } from './compare';
import { historyCommand } from './history';
import { profileCommand } from './profile';
import { reportCommand } from './report';
import { runCliCommand } from './run';

/** Every subcommand, in the order `chatroom-monitor --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [reportCommand, runCliCommand, compareCommand, historyCommand, profileCommand];
