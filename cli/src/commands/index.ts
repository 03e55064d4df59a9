import type { Command } from '../command.js';
import { compareCommand } from './compare.js';
import { distributionCommand } from './distribution.js';
import { evalCommand } from './eval.js';
import { experimentCommand } from './experiment.js';
import { studyCommand } from './study.js';
import { sweepsCommand } from './sweeps.js';

/** Every subcommand, in the order `assay --help` lists them; a new one is a module here and a line below. */
export const COMMANDS: readonly Command[] = [
  evalCommand,
  compareCommand,
  distributionCommand,
  sweepsCommand,
  studyCommand,
  experimentCommand,
];
