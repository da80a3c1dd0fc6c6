/** Every subcommand of `guillotine`, in the order `--help` lists them. One file per command. */
import type { RegisterCommand } from '../command.ts';
import { registerCheck } from './check.ts';
import { registerProve } from './prove.ts';
import { registerReplay } from './replay.ts';
import { registerReview } from './review.ts';
import { registerViz } from './viz.ts';
import { registerReport } from './report.ts';
import { registerGenTests } from './gen-tests.ts';
import { registerSimulate } from './simulate.ts';
import { registerExport } from './export.ts';
import { registerValidate } from './validate.ts';
import { registerDiff } from './diff.ts';

export const COMMANDS: readonly RegisterCommand[] = [registerReview, registerCheck, registerProve, registerReplay, registerViz, registerReport, registerGenTests, registerSimulate, registerExport, registerValidate, registerDiff];
