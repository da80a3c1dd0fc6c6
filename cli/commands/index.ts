/** Every subcommand of `guillotine`, in the order `--help` lists them. One file per command. */
import type { RegisterCommand } from '../command.ts';

export const COMMANDS: readonly RegisterCommand[] = [];
