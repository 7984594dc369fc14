// The Train form's limits, read from the contract's TrainRequest schema (as JSON Schema) rather
// than copied by hand: input min/max/step attributes, choice lists and the wording of problems.
import { z } from 'zod';
import { TrainRequest } from '../../../src-main/core/contract/engine';

type Key = keyof TrainRequest;

interface NumberRule {
  type?: 'number' | 'integer';
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
}
interface PropRule extends NumberRule {
  items?: NumberRule;
  minItems?: number;
  maxItems?: number;
  enum?: string[];
  anyOf?: { const?: number }[];
}

const PROPS = (z.toJSONSchema(TrainRequest, { io: 'input' }).properties ?? {}) as Partial<Record<Key, PropRule>>;

function prop(key: Key): PropRule {
  return PROPS[key] ?? {};
}

export interface NumberLimits {
  /** For <input min>: the smallest allowed value, or the exclusive bound. */
  min: number | undefined;
  max: number | undefined;
  /** For <input step>: 1 for whole numbers, else any. */
  step: 1 | 'any';
}

function limitsOf(r: NumberRule): NumberLimits {
  return { min: r.minimum ?? r.exclusiveMinimum, max: r.maximum, step: r.type === 'integer' ? 1 : 'any' };
}

export function numberLimits(key: Key): NumberLimits {
  return limitsOf(prop(key));
}

/** Limits of each entry of a list field (layers, lambdas). */
export function itemLimits(key: Key): NumberLimits {
  return limitsOf(prop(key).items ?? {});
}

export function maxItems(key: Key): number | undefined {
  return prop(key).maxItems;
}

/** The allowed values of an enum or literal-union field. */
export function choices(key: 'activation' | 'loss'): string[];
export function choices(key: 'downsample'): number[];
export function choices(key: Key): (string | number)[] {
  const r = prop(key);
  if (r.enum) return r.enum;
  return (r.anyOf ?? []).map((a) => a.const).filter((c): c is number => c !== undefined);
}

function numberWords(r: NumberRule): string {
  const kind = r.type === 'integer' ? 'a whole number' : 'a number';
  if (r.exclusiveMinimum !== undefined)
    return `${kind} above ${r.exclusiveMinimum}${r.maximum !== undefined ? ` and at most ${r.maximum}` : ''}`;
  if (r.minimum !== undefined && r.maximum !== undefined) return `${kind} from ${r.minimum} to ${r.maximum}`;
  return kind;
}

/** What a field accepts, in words: "a whole number from 1 to 4096", "1 to 8 numbers above 0 …". */
export function ruleWords(key: Key): string {
  const r = prop(key);
  if (r.items) {
    const count = r.minItems ? `${r.minItems} to ${r.maxItems ?? 'any'}` : `up to ${r.maxItems ?? 'any'}`;
    const item = numberWords(r.items)
      .replace(/^an? /, '')
      .replace(/^(whole )?number/, (m) => `${m}s`);
    return `${count} ${item}, separated by commas`;
  }
  if (r.enum) return `one of ${r.enum.join(', ')}`;
  return numberWords(r);
}
