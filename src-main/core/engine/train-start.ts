// Where a training of a learned family starts: from the matching built-in base model (the default),
// from a model the request names (--init-from), or from random weights (--from-scratch, or when no
// base fits). A start model fixes the weight shapes, so its hyperparameters win over the defaults;
// only the fields a family marks training-only (the crop size) follow the request and the data, and
// count-only lists (the rate points) where the request or the family's default gives them.
import type { Catalog, ModelRecord } from '../catalog/index.js';
import { StudioError } from '../contract/errors.js';
import type { TrainRequest } from '../contract/engine.js';
import type { Hyper } from './model-card.js';
import { basesFor, cardHyper, fittingBase, weightShapeKey } from './models/base-fit.js';
import type { FamilyMeta } from './models/family-meta.js';

export interface StartModel {
  id: string;
  name: string;
  dir: string;
  builtin: boolean;
}

export interface TrainStart {
  hyper: Hyper;
  from?: StartModel;
  /** Why training starts from scratch although a base exists (shown to the user), if it does. */
  note?: string;
}

function merged(start: Record<string, unknown>, planned: Hyper, meta: FamilyMeta, req: TrainRequest): Hyper {
  const out: Record<string, unknown> = { ...start };
  const want = planned as unknown as Record<string, unknown>;
  for (const k of meta.trainingOnly ?? []) out[k] = want[k];
  // A count-only list the request asks for (the lambdas), or the family's default where it says so
  // (countOnlyFollowDefaults), follows it at the start's length: values are training choices.
  for (const k of meta.countOnly ?? []) {
    if ((req as unknown as Record<string, unknown>)[k] === undefined && !meta.countOnlyFollowDefaults) continue;
    const a = out[k];
    const b = want[k];
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) out[k] = b;
  }
  return meta.hyperSchema.parse(out) as Hyper;
}

function startOf(m: ModelRecord): StartModel {
  return { id: m.id, name: m.name, dir: m.dir, builtin: m.builtin };
}

/** The model a request names with initFrom: by id, or by name when exactly one has it. */
export function findInitModel(catalog: Catalog, ref: string): ModelRecord {
  const byId = catalog.models.get(ref);
  if (byId) return byId;
  const named = catalog.models.list().filter((m) => m.name === ref);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw new StudioError('bad-request', `--init-from '${ref}': ${named.length} models have that name; give the id`);
  throw new StudioError('not-found', `--init-from '${ref}': no such model in the catalog`);
}

/** Did the request set any option that shapes this family's weights? */
function askedShape(req: TrainRequest, meta: FamilyMeta): boolean {
  const counted = new Set<string>(meta.countOnly ?? []);
  return meta.options.some((k) => k !== 'tile' && !counted.has(k) && req[k] !== undefined);
}

/** A count-only list the request asks for (the lambdas) whose length is not the start model's, if any. */
function countMismatch(req: TrainRequest, meta: FamilyMeta, start: Record<string, unknown>): string | undefined {
  return (meta.countOnly ?? []).find((k) => {
    const asked = (req as unknown as Record<string, unknown>)[k];
    const has = start[k];
    return Array.isArray(asked) && Array.isArray(has) && asked.length !== has.length;
  });
}

export function chooseStart(
  req: TrainRequest,
  catalog: Catalog,
  meta: FamilyMeta,
  channels: 1 | 3,
  planned: Hyper,
  init?: ModelRecord,
): TrainStart {
  if (!meta.learned) {
    if (init) throw new StudioError('bad-request', `--init-from: family ${meta.name} trains only from scratch`);
    return { hyper: planned };
  }
  if (init) {
    const card = init.card as { hyper?: Record<string, unknown>; channels?: number };
    if (init.arch !== meta.name)
      throw new StudioError('bad-request', `--init-from ${init.id}: it is a ${init.arch} model, this training is ${meta.name}`);
    if (card.channels !== channels)
      throw new StudioError(
        'bad-request',
        `--init-from ${init.id}: it reads ${card.channels === 1 ? 'gray' : 'RGB'} images, this dataset is ${channels === 1 ? 'gray' : 'RGB'}`,
      );
    if (!card.hyper) throw new StudioError('bad-request', `--init-from ${init.id}: its card has no hyperparameters`);
    if (
      countMismatch(req, meta, card.hyper) !== undefined ||
      (askedShape(req, meta) && weightShapeKey(card.hyper, meta) !== weightShapeKey(planned as never, meta))
    )
      throw new StudioError(
        'bad-request',
        `--init-from ${init.id}: its shapes (${weightShapeKey(card.hyper, meta)}) differ from the options asked for`,
      );
    return { hyper: merged(card.hyper, planned, meta, req), from: startOf(init) };
  }
  if (req.fromScratch) return { hyper: planned };
  const bases = basesFor(catalog.models.builtins(), meta.name, channels);
  const fit = fittingBase(bases, meta, planned as unknown as Record<string, unknown>);
  if (fit) return { hyper: merged(cardHyper(fit)!, planned, meta, req), from: startOf(fit) };
  if (bases.length > 0)
    return { hyper: planned, note: `from scratch: the built-in base ${bases[0]!.name} has other shapes than the options asked for` };
  return { hyper: planned };
}
