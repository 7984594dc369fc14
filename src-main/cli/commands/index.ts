// Every CLI command, in the order --help lists them (DESIGN.md section 5). One line per command.
import type { CliCommand } from '../command.js';
import { serveCommand } from './serve.js';

export const commands: CliCommand[] = [serveCommand];
