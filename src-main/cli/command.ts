// What one CLI command is: its flags (node:util parseArgs), help text and a run function that
// returns both a JSON document and a human-readable text, so --json is uniform.
import type { Studio } from '../core/studio.js';
import type { ProgressBar } from './progress.js';

export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

export interface CliEnv {
  /** The studio on --home, opened on first use. */
  studio(): Studio;
  readonly homeDir: string;
  readonly json: boolean;
  /** Progress and logs go to stderr so stdout stays one JSON document. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  progress(label: string): ProgressBar;
}

export interface CommandResult {
  json: unknown;
  text: string;
  /** 0 ok, 1 nothing done (the output says why), 2 a batch finished with some inputs failed. */
  exitCode?: 0 | 1 | 2;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Flag lines for --help (schema-flags.ts writes those of contract fields from their schemas). */
  flagHelp?: readonly string[];
  options: Record<string, OptionSpec>;
  /** Whether positionals are accepted. */
  positionals: boolean;
  run(
    args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] },
    env: CliEnv,
  ): Promise<CommandResult>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Helpers for reading parsed flags with clear errors. */
export function intFlag(values: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${String(raw)}`);
  return n;
}

export function numberFlag(values: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${String(raw)}`);
  return n;
}

export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

export function requiredFlag(values: Record<string, unknown>, name: string): string {
  const v = stringFlag(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}
