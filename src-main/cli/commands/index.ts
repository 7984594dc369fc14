// Every CLI command, in the order --help lists them (DESIGN.md section 5). One line per command.
import type { CliCommand } from '../command.js';
import { compressCommand } from './compress.js';
import { datasetsCommand } from './datasets.js';
import { decompressCommand } from './decompress.js';
import { evalCommand } from './eval.js';
import { importCommand } from './import.js';
import { modelsCommand } from './models.js';
import { serveCommand } from './serve.js';
import { settingsCommand } from './settings.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';

export const commands: CliCommand[] = [
  importCommand,
  trainCommand,
  compressCommand,
  decompressCommand,
  evalCommand,
  modelsCommand,
  datasetsCommand,
  serveCommand,
  workerCommand,
  settingsCommand,
];
