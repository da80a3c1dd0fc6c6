/** Every subcommand of `guillotine`, in the order `--help` lists them. One file per command. */
import type { RegisterCommand } from '../command.ts';
import { registerCheck } from './check.ts';
import { registerReplay } from './replay.ts';

export const COMMANDS: readonly RegisterCommand[] = [registerCheck, registerReplay];
