// What a request field accepts, read from its zod schema, so the CLI's flags and the renderer's
// forms state and check the contract's own ranges instead of copies. Read through zod's JSON
// Schema export (its public view of the checks: min, max, exclusive bounds, int, enum, lengths).
// Browser-safe: zod only.
import { z } from 'zod';

export interface NumberRule {
  kind: 'number';
  integer: boolean;
  /** Inclusive bounds; `above` is an exclusive lower bound (z.positive() is above 0). */
  min?: number;
  above?: number;
  max?: number;
}

export type FieldRule = (
  | NumberRule
  | { kind: 'choice'; choices: readonly (string | number)[] }
  | { kind: 'list'; item: FieldRule; minItems?: number; maxItems?: number }
  | { kind: 'string'; minLength?: number; maxLength?: number }
  | { kind: 'boolean' }
  /** Anything else (unions of types, nested objects): checked by the schema, not described. */
  | { kind: 'other' }
) & {
  /** The schema's .describe() text, when it has one. */
  description?: string;
};

interface JsonRule {
  type?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  enum?: (string | number)[];
  const?: string | number;
  anyOf?: JsonRule[];
  items?: JsonRule;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
}

function ruleOf(j: JsonRule): FieldRule {
  const description = j.description !== undefined ? { description: j.description } : {};
  if (j.enum) return { kind: 'choice', choices: j.enum, ...description };
  if (j.anyOf?.every((a) => a.const !== undefined)) return { kind: 'choice', choices: j.anyOf.map((a) => a.const!), ...description };
  switch (j.type) {
    case 'integer':
    case 'number':
      return {
        kind: 'number',
        integer: j.type === 'integer',
        // z.int() alone bounds by the safe integers: no bound a user needs to read.
        ...(j.minimum !== undefined && j.minimum > Number.MIN_SAFE_INTEGER ? { min: j.minimum } : {}),
        ...(j.exclusiveMinimum !== undefined ? { above: j.exclusiveMinimum } : {}),
        ...(j.maximum !== undefined && j.maximum < Number.MAX_SAFE_INTEGER ? { max: j.maximum } : {}),
        ...description,
      };
    case 'array':
      return {
        kind: 'list',
        item: ruleOf(j.items ?? {}),
        ...(j.minItems !== undefined ? { minItems: j.minItems } : {}),
        ...(j.maxItems !== undefined ? { maxItems: j.maxItems } : {}),
        ...description,
      };
    case 'string':
      return {
        kind: 'string',
        ...(j.minLength !== undefined ? { minLength: j.minLength } : {}),
        ...(j.maxLength !== undefined ? { maxLength: j.maxLength } : {}),
        ...description,
      };
    case 'boolean':
      return { kind: 'boolean', ...description };
    default:
      return { kind: 'other', ...description };
  }
}

/** A request schema (a z.object, refinements allowed). */
export type ObjectSchema = z.ZodObject;
export type FieldOf<S extends ObjectSchema> = Extract<keyof S['shape'], string>;

const cache = new WeakMap<ObjectSchema, Record<string, FieldRule>>();

/** Every field's rule, by field name (computed once per schema). */
export function fieldRules<S extends ObjectSchema>(schema: S): Record<FieldOf<S>, FieldRule> {
  let rules = cache.get(schema);
  if (!rules) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonRule> };
    rules = Object.fromEntries(Object.entries(json.properties ?? {}).map(([k, v]) => [k, ruleOf(v)]));
    cache.set(schema, rules);
  }
  return rules as Record<FieldOf<S>, FieldRule>;
}

export function fieldRule<S extends ObjectSchema>(schema: S, field: FieldOf<S>): FieldRule {
  const rule = fieldRules(schema)[field];
  if (!rule) throw new Error(`field-rules: the schema has no field '${field}'`);
  return rule;
}

/** For <input type=number>: min, max and step attributes. */
export interface InputLimits {
  /** The smallest allowed value, or the exclusive bound (the schema still refuses it). */
  min: number | undefined;
  max: number | undefined;
  /** 1 for whole numbers, else any. */
  step: 1 | 'any';
}

export function inputLimits(rule: FieldRule): InputLimits {
  if (rule.kind !== 'number') return { min: undefined, max: undefined, step: 'any' };
  return { min: rule.min ?? rule.above, max: rule.max, step: rule.integer ? 1 : 'any' };
}

/** A list field's entries: their input limits, and how many there may be. */
export function listLimits(rule: FieldRule): { item: InputLimits; maxItems: number | undefined } {
  if (rule.kind !== 'list') return { item: inputLimits(rule), maxItems: undefined };
  return { item: inputLimits(rule.item), maxItems: rule.maxItems };
}

/** The allowed values of a choice field (an enum or a union of literals); none for other fields. */
export function choicesOf(rule: FieldRule): readonly (string | number)[] {
  return rule.kind === 'choice' ? rule.choices : [];
}

function numberWords(r: NumberRule): string {
  const kind = r.integer ? 'a whole number' : 'a number';
  if (r.min !== undefined && r.max !== undefined) return `${kind} from ${r.min} to ${r.max}`;
  const low = r.min !== undefined ? `at least ${r.min}` : r.above !== undefined ? `above ${r.above}` : '';
  const high = r.max === undefined ? '' : low ? `and at most ${r.max}` : `at most ${r.max}`;
  return [kind, low, high].filter(Boolean).join(' ');
}

function plural(single: string): string {
  return single.replace(/^an? /, '').replace(/^(whole )?number/, (m) => `${m}s`);
}

/** What a field accepts, in words: "a whole number from 1 to 4096", "1 to 8 numbers above 0 and at most 10, separated by commas". */
export function ruleWords(rule: FieldRule): string {
  switch (rule.kind) {
    case 'number':
      return numberWords(rule);
    case 'choice':
      return `one of ${rule.choices.join(', ')}`;
    case 'list': {
      const count =
        rule.minItems !== undefined && rule.minItems > 0
          ? `${rule.minItems} to ${rule.maxItems ?? 'any number of'}`
          : rule.maxItems !== undefined
            ? `up to ${rule.maxItems}`
            : 'any number of';
      const item =
        rule.item.kind === 'number'
          ? plural(numberWords(rule.item))
          : rule.item.kind === 'choice'
            ? `of ${rule.item.choices.join(', ')}`
            : `values (${ruleWords(rule.item)})`;
      return `${count} ${item}, separated by commas`;
    }
    case 'string':
      return rule.maxLength !== undefined ? `a text of at most ${rule.maxLength} characters` : 'a text';
    case 'boolean':
      return 'true or false';
    default:
      return 'a value the request accepts';
  }
}
