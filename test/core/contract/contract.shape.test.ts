// The contract's own rules, checked over every fragment in src-main/core/contract/ (found by
// reading the folder, so a new fragment is checked without being listed here):
// - no two fragments declare the same method or event (api.ts spreads them: a repeat would
//   silently replace one), and every declared one is in the composed contract;
// - every request schema, and every object nested in one, is strict: unknown keys are refused;
// - a job's life after its start is the generic job methods and events, for every kind.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { studioEvents, studioMethods } from '../../../src-main/core/api.js';
import type { EventSpec, MethodSpec } from '../../../src-main/core/contract/define.js';
import { jobEvents, jobMethods } from '../../../src-main/core/contract/jobs.js';

const CONTRACT_DIR = path.resolve(__dirname, '../../../src-main/core/contract');

type Kind = 'method' | 'event';
interface Declared {
  kind: Kind;
  name: string;
  /** file:export, for the failure message. */
  where: string;
  spec: MethodSpec | EventSpec;
}

function isMethodSpec(v: unknown): v is MethodSpec {
  return (
    typeof v === 'object' && v !== null && (v as MethodSpec).input instanceof z.ZodType && typeof (v as MethodSpec).description === 'string'
  );
}

function isEventSpec(v: unknown): v is EventSpec {
  return typeof v === 'object' && v !== null && !('input' in v) && typeof (v as EventSpec).description === 'string';
}

/** Every method and event map each contract file exports (a `...Methods` / `...Events` object of specs). */
async function declared(): Promise<Declared[]> {
  const out: Declared[] = [];
  for (const file of readdirSync(CONTRACT_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const mod = (await import(pathToFileURL(path.join(CONTRACT_DIR, file)).href)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof z.ZodType) continue;
      const entries = Object.entries(value);
      const kind: Kind | null =
        /Methods$/.test(exportName) && entries.every(([, v]) => isMethodSpec(v))
          ? 'method'
          : /Events$/.test(exportName) && entries.every(([, v]) => isEventSpec(v))
            ? 'event'
            : null;
      if (!kind) continue;
      for (const [name, spec] of entries) out.push({ kind, name, where: `${file}:${exportName}`, spec: spec as MethodSpec | EventSpec });
    }
  }
  return out;
}

/** Names declared by more than one fragment, with where. */
function collisions(all: readonly Declared[]): string[] {
  const seen = new Map<string, string[]>();
  for (const d of all) {
    const key = `${d.kind} ${d.name}`;
    seen.set(key, [...(seen.get(key) ?? []), d.where]);
  }
  return [...seen].filter(([, where]) => where.length > 1).map(([key, where]) => `${key}: ${where.join(', ')}`);
}

const UNKNOWN_KEY = '__not_in_the_contract__';

/**
 * Paths (in the request) of objects that accept a key they do not declare. Walks the schema
 * through wrappers, arrays, unions, records and pipes; each object is tested by parsing an
 * object with one unknown key: a strict one reports it as unrecognized.
 */
function looseObjects(schema: z.ZodType, at = '(request)', seen = new Set<z.ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (key: string): z.ZodType[] => {
    const v = def[key];
    return Array.isArray(v) ? (v as z.ZodType[]) : v instanceof z.ZodType ? [v] : [];
  };
  switch (def.type) {
    case 'object': {
      const found: string[] = [];
      const r = schema.safeParse({ [UNKNOWN_KEY]: 1 });
      const refused = !r.success && r.error.issues.some((i) => i.code === 'unrecognized_keys' && i.keys.includes(UNKNOWN_KEY));
      if (!refused) found.push(at);
      for (const [key, field] of Object.entries((schema as z.ZodObject).shape))
        found.push(...looseObjects(field as z.ZodType, `${at}.${key}`, seen));
      return found;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return inner('innerType').flatMap((s) => looseObjects(s, at, seen));
    case 'array':
      return inner('element').flatMap((s) => looseObjects(s, `${at}[]`, seen));
    case 'union':
      return inner('options').flatMap((s) => looseObjects(s, at, seen));
    case 'intersection':
      return [...inner('left'), ...inner('right')].flatMap((s) => looseObjects(s, at, seen));
    case 'record':
      return inner('valueType').flatMap((s) => looseObjects(s, `${at}{}`, seen));
    case 'tuple':
      return inner('items').flatMap((s, i) => looseObjects(s, `${at}[${i}]`, seen));
    case 'pipe':
      return inner('in').flatMap((s) => looseObjects(s, at, seen));
    case 'lazy':
      return looseObjects((def.getter as () => z.ZodType)(), at, seen);
    default:
      return [];
  }
}

/**
 * Names that would give one job kind a lifecycle of its own beside the generic one
 * (contract/jobs.ts): a job is started by its own method, then only the job methods and events.
 */
function perKindLifecycle(methods: readonly string[], events: readonly string[]): string[] {
  return [
    ...methods.filter((n) => /^(await|cancel|pause|resume)[A-Z]/.test(n) && !Object.hasOwn(jobMethods, n)).map((n) => `method ${n}`),
    ...events.filter((n) => /Finished$/.test(n) && !Object.hasOwn(jobEvents, n)).map((n) => `event ${n}`),
  ];
}

describe('the contract', () => {
  it('finds the fragments it checks', async () => {
    const all = await declared();
    // Reading the folder must find what api.ts composes, or the checks below check nothing.
    expect(all.filter((d) => d.kind === 'method').length).toBeGreaterThanOrEqual(Object.keys(studioMethods).length);
    expect(all.filter((d) => d.kind === 'event').length).toBeGreaterThanOrEqual(Object.keys(studioEvents).length);
    expect(new Set(all.map((d) => d.where.split(':')[0])).size).toBeGreaterThan(5);
  });

  it('has no method or event declared by two fragments', async () => {
    expect(collisions(await declared())).toEqual([]);
  });

  it('composes every declared method and event, and no method is named like the client subscription', async () => {
    const all = await declared();
    const missing = all
      .filter((d) => !Object.hasOwn(d.kind === 'method' ? studioMethods : studioEvents, d.name))
      .map((d) => `${d.kind} ${d.name} (${d.where})`);
    expect(missing).toEqual([]);
    // StudioClient is the methods plus on(event, listener).
    expect(Object.keys(studioMethods)).not.toContain('on');
  });

  it('has one job lifecycle: no per-kind await, cancel, pause or resume method, and no per-kind end event', () => {
    expect(perKindLifecycle(Object.keys(studioMethods), Object.keys(studioEvents))).toEqual([]);
  });

  it('refuses unknown keys in every request, nested objects included', () => {
    const loose = Object.entries(studioMethods).flatMap(([name, spec]) => looseObjects(spec.input as z.ZodType).map((p) => `${name} ${p}`));
    expect(loose).toEqual([]);
  });

  // The checks themselves: each finds the fault it is there for.
  it('would catch a per-kind job method or end event', () => {
    expect(
      perKindLifecycle(
        ['awaitJob', 'awaitThing', 'cancelJob', 'resumeThing', 'getBatch'],
        ['jobFinished', 'thingFinished', 'compareProgress'],
      ),
    ).toEqual(['method awaitThing', 'method resumeThing', 'event thingFinished']);
  });

  it('would catch a repeated name and a schema that is not strict', () => {
    const spec = (description: string): MethodSpec => ({ input: z.object({}).strict(), description });
    expect(
      collisions([
        { kind: 'method', name: 'getThing', where: 'a.ts:aMethods', spec: spec('a') },
        { kind: 'method', name: 'getThing', where: 'b.ts:bMethods', spec: spec('b') },
        { kind: 'event', name: 'getThing', where: 'b.ts:bEvents', spec: { description: 'b' } },
      ]),
    ).toEqual(['method getThing: a.ts:aMethods, b.ts:bMethods']);
    expect(looseObjects(z.object({ a: z.string() }))).toEqual(['(request)']);
    expect(looseObjects(z.object({ a: z.string() }).passthrough())).toEqual(['(request)']);
    const nested = z
      .object({ list: z.array(z.object({ x: z.number() })).optional(), ok: z.object({}).strict().nullable() })
      .strict()
      .refine(() => true);
    expect(looseObjects(nested)).toEqual(['(request).list[]']);
    expect(looseObjects(z.object({ a: z.string() }).strict())).toEqual([]);
  });
});
