// Flags that set a field of a contract request take their range, choices and help words from
// the field's zod schema (contract/field-rules.ts): `--epochs` accepts what TrainRequest.epochs
// accepts, and says so in the same words, with no second copy of the numbers here.
import type { z } from 'zod';
import { fieldRule, ruleWords, type FieldOf, type FieldRule, type ObjectSchema } from '../core/contract/field-rules.js';
import { UsageError, type OptionSpec } from './command.js';

type Values = Record<string, unknown>;

/** A field's flag: codeSize -> code-size. */
export function flagName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The text of a flag as the value its rule expects (a number, a comma-separated list). */
function fromText(rule: FieldRule, raw: string): unknown {
  const text = raw.trim();
  switch (rule.kind) {
    case 'number':
      return text === '' ? Number.NaN : Number(text);
    case 'choice':
      return typeof rule.choices[0] === 'number' && text !== '' ? Number(text) : text;
    case 'list':
      return text
        .split(',')
        .filter((s) => s.trim() !== '')
        .map((s) => fromText(rule.item, s));
    default:
      return raw;
  }
}

export type FieldValue<S extends ObjectSchema, K extends FieldOf<S>> = Exclude<z.output<S['shape'][K]>, undefined>;

/**
 * `--flag` (the field's name in kebab case unless given) read for `field` of `schema`: converted
 * from text, then checked by the field's own schema. Absent: undefined. Refused: a UsageError
 * naming the flag and what it accepts.
 */
export function schemaFlag<S extends ObjectSchema, K extends FieldOf<S>>(
  schema: S,
  field: K,
  values: Values,
  flag: string = flagName(field),
): FieldValue<S, K> | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const rule = fieldRule(schema, field);
  const value = typeof raw === 'string' ? fromText(rule, raw) : raw;
  const parsed = (schema.shape[field] as z.ZodType).safeParse(value);
  if (parsed.success && parsed.data !== undefined) return parsed.data as FieldValue<S, K>;
  const got = typeof raw === 'string' ? `, got '${raw}'` : '';
  // A text's own refinement (a name's forbidden characters) says more than "a text".
  if (rule.kind === 'string' || rule.kind === 'other')
    throw new UsageError(`--${flag}: ${parsed.error?.issues[0]?.message ?? `must be ${ruleWords(rule)}`}${got}`);
  throw new UsageError(`--${flag} must be ${ruleWords(rule)}${got}`);
}

/** parseArgs options for these fields: booleans are switches, the rest take a value. */
export function schemaOptions<S extends ObjectSchema>(schema: S, fields: readonly FieldOf<S>[]): Record<string, OptionSpec> {
  return Object.fromEntries(
    fields.map((f) => [flagName(f), { type: fieldRule(schema, f).kind === 'boolean' ? 'boolean' : 'string' } satisfies OptionSpec]),
  );
}

/** Choices too long to read as the flag's value form are listed in its text. */
function longChoice(rule: FieldRule): boolean {
  return rule.kind === 'choice' && rule.choices.join('|').length > 16;
}

function metavar(rule: FieldRule): string {
  switch (rule.kind) {
    case 'number':
      return rule.integer ? 'N' : 'X';
    case 'choice':
      return longChoice(rule) ? 'NAME' : rule.choices.join('|');
    case 'list':
      return `${metavar(rule.item)},..`;
    case 'boolean':
      return '';
    default:
      return 'TEXT';
  }
}

/** A --help row: the flag with its value's form, and what it does. */
export type HelpRow = readonly [flag: string, text: string];

/** Help rows of these fields: `--epochs N`, "passes over the training images: a whole number from 1 to 10000". */
export function schemaHelp<S extends ObjectSchema>(
  schema: S,
  fields: readonly FieldOf<S>[],
  flags: Partial<Record<FieldOf<S>, string>> = {},
): HelpRow[] {
  return fields.map((f) => {
    const rule = fieldRule(schema, f);
    const v = metavar(rule);
    // A choice's values are its metavar already; a text's limits are no news.
    const words = rule.kind === 'number' || rule.kind === 'list' || longChoice(rule) ? ruleWords(rule) : '';
    return [`--${flags[f] ?? flagName(f)}${v ? ` ${v}` : ''}`, [rule.description, words].filter(Boolean).join('; ')] as const;
  });
}

/** The rows as aligned lines for CliCommand.flagHelp. */
export function helpLines(rows: readonly HelpRow[]): string[] {
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`.trimEnd());
}
