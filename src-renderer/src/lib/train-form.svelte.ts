// The Train form's values, defaults and validation. Families, their options, presets and
// hyperparameter defaults come from the core's registry (lib/families.ts); limits come from the
// contract's TrainRequest schema. Learned families start from the matching built-in base model
// by default (lib/base-models.ts), or from scratch.
import type { ModelSummary } from '../../../src-main/core/api';
import { TrainRequest } from '../../../src-main/core/contract/engine';
import type { Loadable } from './loadable.svelte';
import { baseHyper, basesFor, fittingBase, shapeKey } from './base-models';
import { defaultDenseLayers } from '../../../src-main/core/engine/models/layers/dense-widths';
import {
  DEFAULT_LAMBDAS,
  defaultFamily,
  defaultMinutes,
  familyMeta,
  macOf,
  type DataFacts,
  type FamilyMeta,
  type FamilyName,
  type FamilyOptions,
} from './families';
import { fieldRule, ruleWords } from '../../../src-main/core/contract/field-rules';

export type OptionKey = keyof FamilyOptions;
/** Where a learned family's training starts: the built-in base model, or random weights. */
export type StartChoice = 'base' | 'scratch';
type Activation = NonNullable<FamilyOptions['activation']>;
type Loss = NonNullable<FamilyOptions['loss']>;

/** Form labels of the request fields (also the wording of problems). */
export const FIELD_LABELS: Partial<Record<keyof TrainRequest, string>> = {
  codeSize: 'Code size',
  layers: 'Nodes per layer',
  decoderLayers: 'Decoder nodes',
  activation: 'Activation',
  loss: 'Loss',
  tile: 'Tile size',
  downsample: 'Downsampling',
  channels: 'Channels',
  codeChannels: 'Code channels',
  lambdas: 'Rate points',
  minutes: 'Time budget',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  seed: 'Seed',
  name: 'Name',
};

/**
 * Where the value a request field resolves to sits in a family's hyperparameters (the first key
 * present wins; an array gives its first entry). Fields only, no family names: a family whose
 * hyperparameters use other keys just keeps the form's current value.
 */
const HYPER_KEYS: Record<OptionKey, readonly string[]> = {
  codeSize: ['codeSize'],
  layers: ['encoderLayers'],
  decoderLayers: [],
  activation: ['activation'],
  loss: [],
  tile: ['crop', 'tile'],
  downsample: ['downsampling'],
  channels: ['n', 'filters'],
  codeChannels: ['m', 'codeChannels'],
  lambdas: ['lambdas'],
};

function fromHyper(hyper: Record<string, unknown>, key: OptionKey): unknown {
  for (const k of HYPER_KEYS[key])
    if (k in hyper) return Array.isArray(hyper[k]) && key !== 'layers' && key !== 'lambdas' ? hyper[k][0] : hyper[k];
  return undefined;
}

/** The request field a hyperparameter comes from (for wording a family schema's complaint). */
function fieldOfHyper(hyperKey: string): OptionKey | undefined {
  return (Object.keys(HYPER_KEYS) as OptionKey[]).find((k) => HYPER_KEYS[k].includes(hyperKey));
}

function parseList(text: string): number[] {
  return text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((s) => Number(s));
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/** Until a dataset is sampled: a typical photo. */
const FALLBACK_FACTS: DataFacts = { channels: 3, maxEdge: 512, typical: { width: 512, height: 512 } };

const OptionsSchema = TrainRequest.omit({ dataset: true });

export class TrainForm {
  family = $state<FamilyName>(defaultFamily(FALLBACK_FACTS.maxEdge));
  /** No edits yet: a newly sampled dataset re-picks the family and its defaults. */
  pristine = $state(true);
  facts = $state.raw<DataFacts | null>(null);

  codeSize = $state(64);
  layerCount = $state(2);
  layersText = $state('256, 64');
  /** Empty: the mirror of the encoder. */
  decoderLayersText = $state('');
  activation = $state<Activation>('relu');
  loss = $state<Loss>('mse');
  tile = $state(0);
  downsample = $state<8 | 16>(8);
  channels = $state(64);
  codeChannels = $state(96);
  lambdasText = $state(DEFAULT_LAMBDAS.join(', '));
  minutes = $state(30);
  epochs = $state(20);
  batchSize = $state(8);
  seed = $state(1);
  name = $state('');
  /** The catalog's built-in base models (the Train view hands them over). */
  builtins = $state.raw<ModelSummary[]>([]);
  start = $state<StartChoice>('base');

  meta: FamilyMeta = $derived(familyMeta(this.family)!);
  learned = $derived(this.meta.learned);
  layers = $derived(parseList(this.layersText));
  lambdas = $derived(parseList(this.lambdasText));

  /** The family fields of the request: only those the family reads. */
  options = $derived.by((): FamilyOptions => {
    const all: FamilyOptions = {
      codeSize: num(this.codeSize),
      layers: this.layers,
      activation: this.activation,
      loss: this.loss,
      tile: num(this.tile),
      downsample: this.downsample,
      channels: num(this.channels),
      codeChannels: num(this.codeChannels),
      lambdas: this.lambdas,
      ...(this.decoderLayersText.trim() ? { decoderLayers: parseList(this.decoderLayersText) } : {}),
    };
    return Object.fromEntries(this.meta.options.filter((k) => all[k] !== undefined).map((k) => [k, all[k]])) as FamilyOptions;
  });

  /** The hyperparameters the core will derive (null before a dataset is sampled). */
  hyper = $derived.by((): Record<string, unknown> | null => {
    if (!this.facts) return null;
    try {
      return this.meta.hyper(this.options, this.facts) as Record<string, unknown>;
    } catch {
      return null;
    }
  });

  mac = $derived(this.hyper && this.facts ? macOf(this.meta, this.hyper, this.facts.channels) : null);
  /** Built-in bases of this (learned) family for the dataset's image type, gray or RGB. */
  bases = $derived(this.learned && this.facts ? basesFor(this.builtins, this.family, this.facts.channels) : []);
  /** The base a training starts from with the options as they are (same weight shapes). */
  base = $derived(fittingBase(this.bases, this.meta, this.hyper));
  /** The base the form offers: the fitting one, else the first of the family and image type. */
  offeredBase = $derived(this.base ?? this.bases[0] ?? null);
  /** Starting from the base was chosen, but the options give other shapes: it would train from scratch. */
  baseMismatch = $derived(this.learned && this.start === 'base' && this.base === null && this.offeredBase !== null);
  /** Restoring the base's options makes it fit (false when the data itself rules it out). */
  baseFixable = $derived.by(() => {
    const b = this.offeredBase;
    if (!b || !this.facts) return false;
    try {
      const h = this.meta.hyper(this.baseOptions(b), this.facts) as Record<string, unknown>;
      return shapeKey(h, this.meta) === shapeKey(baseHyper(b) ?? {}, this.meta);
    } catch {
      return false;
    }
  });

  /** Rate points as the family will train them (sorted), for the range wording. */
  rateLambdas = $derived(this.hyper && Array.isArray(this.hyper.lambdas) ? (this.hyper.lambdas as number[]) : this.lambdas);

  problems = $derived.by(() => {
    const p: Record<string, string> = {};
    const parsed = OptionsSchema.safeParse(this.requestFields());
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? '') as keyof TrainRequest;
        const label = FIELD_LABELS[key] ?? key;
        p[key] ??= `${label}: ${key in TrainRequest.shape ? ruleWords(fieldRule(TrainRequest, key)) : issue.message}`;
      }
    if (this.hyper && Object.keys(p).length === 0) {
      const h = this.meta.hyperSchema.safeParse(this.hyper);
      if (!h.success)
        for (const issue of h.error.issues) {
          const hk = String(issue.path[0] ?? '');
          const field = fieldOfHyper(hk);
          const label = field ? (FIELD_LABELS[field] ?? field) : hk;
          const rule =
            issue.code === 'too_big'
              ? `at most ${String(issue.maximum)}`
              : issue.code === 'too_small'
                ? `at least ${String(issue.minimum)}`
                : issue.message;
          p[hk] ??= `${label}: ${rule} for the ${this.meta.label}`;
        }
    }
    return Object.values(p);
  });

  /** The preset whose options the form matches now (presets come from the family). */
  matchingPreset = $derived(
    this.meta.presets.find((pr) =>
      (Object.entries(pr.options) as [OptionKey, unknown][]).every(([k, v]) => JSON.stringify(this.options[k]) === JSON.stringify(v)),
    )?.id ?? '',
  );

  constructor() {
    this.applyDefaults({}, FALLBACK_FACTS);
  }

  /** Everything but the dataset. */
  private requestFields(): Omit<TrainRequest, 'dataset'> {
    return {
      arch: this.family,
      ...this.options,
      ...(this.learned ? { minutes: num(this.minutes) } : { epochs: num(this.epochs) }),
      batchSize: num(this.batchSize),
      seed: num(this.seed),
      ...(this.name.trim() ? { name: this.name.trim() } : {}),
      // Absent, the core starts from the fitting base; with no base to refuse, nothing is sent.
      ...(this.learned && this.start === 'scratch' && this.bases.length > 0 ? { fromScratch: true } : {}),
    };
  }

  request(dataset: string): TrainRequest {
    return { dataset, ...this.requestFields() };
  }

  /** A dataset was sampled: untouched, the form follows it (family and defaults). */
  adopt(facts: DataFacts): void {
    this.facts = facts;
    if (!this.pristine) return;
    this.family = defaultFamily(facts.maxEdge);
    this.applyDefaults(this.startOptions(), facts);
  }

  chooseFamily(name: FamilyName): void {
    this.family = name;
    this.pristine = false;
    this.applyDefaults(this.startOptions(), this.facts ?? FALLBACK_FACTS);
  }

  /** The catalog's models (re)loaded: an untouched form takes the options of a base that now fits. */
  useModels(models: readonly ModelSummary[]): void {
    this.builtins = models.filter((m) => m.builtin);
    if (this.pristine && this.facts) this.applyDefaults(this.startOptions(), this.facts);
  }

  /** Takes the catalog's models now and each time they load again; returns the unsubscribe. */
  follow(models: Loadable<ModelSummary[]>): () => void {
    if (models.value) this.useModels(models.value);
    return models.onLoad((m) => this.useModels(m));
  }

  chooseStart(start: StartChoice): void {
    this.start = start;
  }

  /** Sets the model fields to the offered base's (keeping the training crop), so it fits again. */
  useBaseOptions(): void {
    const b = this.offeredBase;
    if (!b) return;
    this.pristine = false;
    const tile = this.meta.options.includes('tile') ? { tile: num(this.tile) } : {};
    this.applyModelFields({ ...this.baseOptions(b), ...tile }, this.facts ?? FALLBACK_FACTS);
  }

  /**
   * The request fields that rebuild a base's weight shapes: its training-only ones left out, and its
   * rate points where the family's own follow (countOnlyFollowDefaults: the core's rule, train-start.ts).
   */
  private baseOptions(b: ModelSummary): FamilyOptions {
    const h = baseHyper(b);
    if (!h) return {};
    const skip: readonly string[] = [...(this.meta.trainingOnly ?? []), ...(this.meta.countOnlyFollowDefaults ? (this.meta.countOnly ?? []) : [])];
    const out: Record<string, unknown> = {};
    for (const key of this.meta.options) {
      if (HYPER_KEYS[key].some((k) => skip.includes(k))) continue;
      const v = fromHyper(h, key);
      if (v !== undefined) out[key] = v;
    }
    return out as FamilyOptions;
  }

  /** Defaults of a fresh form: the base's options when the training starts from one. */
  private startOptions(): FamilyOptions {
    const b = this.start === 'base' ? this.offeredBase : null;
    return b ? this.baseOptions(b) : {};
  }

  applyPreset(id: string): void {
    const pr = this.meta.presets.find((x) => x.id === id);
    if (!pr) return;
    this.pristine = false;
    this.applyDefaults(pr.options, this.facts ?? FALLBACK_FACTS);
  }

  /** Fills every field from the family's hyperparameters for these options and the data. */
  private applyDefaults(options: FamilyOptions, facts: DataFacts): void {
    const h = this.applyModelFields(options, facts);
    this.loss = options.loss ?? this.meta.defaultLoss;
    this.batchSize = this.meta.batchSizeFor?.(h as { arch: string }) ?? this.meta.defaultBatchSize;
    this.minutes = defaultMinutes(facts.maxEdge);
  }

  /** The model fields (not the budget) from the family's hyperparameters for these options. */
  private applyModelFields(options: FamilyOptions, facts: DataFacts): Record<string, unknown> {
    const meta = this.meta;
    const h = meta.hyper(options, facts) as Record<string, unknown>;
    const pick = (key: OptionKey) => options[key] ?? fromHyper(h, key);
    const codeSize = pick('codeSize');
    if (typeof codeSize === 'number') this.codeSize = codeSize;
    const layers = pick('layers');
    if (Array.isArray(layers)) {
      this.layerCount = layers.length;
      this.layersText = layers.join(', ');
    }
    this.decoderLayersText = options.decoderLayers?.join(', ') ?? '';
    const activation = pick('activation');
    if (typeof activation === 'string') this.activation = activation as Activation;
    const tile = pick('tile');
    if (typeof tile === 'number') this.tile = tile;
    const downsample = pick('downsample');
    if (downsample === 8 || downsample === 16) this.downsample = downsample;
    const channels = pick('channels');
    if (typeof channels === 'number') this.channels = channels;
    const codeChannels = pick('codeChannels');
    if (typeof codeChannels === 'number') this.codeChannels = codeChannels;
    const lambdas = pick('lambdas');
    this.lambdasText = (Array.isArray(lambdas) ? lambdas : DEFAULT_LAMBDAS).join(', ');
    return h;
  }

  /**
   * Changing the number of layers regenerates the widths by the core's rule (dense-widths.ts: the
   * family's default for that many layers), from the tile the family resolves and the data's channels.
   */
  setLayerCount(n: number): void {
    if (!Number.isInteger(n) || n < 1) return;
    this.pristine = false;
    this.layerCount = n;
    const facts = this.facts ?? FALLBACK_FACTS;
    const tile = num(fromHyper(this.meta.hyper({ ...this.options, layers: undefined }, facts) as Record<string, unknown>, 'tile'));
    this.layersText = defaultDenseLayers(tile * tile * facts.channels, num(this.codeSize), n).join(', ');
  }

  /** Any manual edit: the form stops following the dataset. */
  touched(): void {
    this.pristine = false;
  }
}

/** One form for the session: switching views keeps what the user typed. */
export const trainForm = new TrainForm();
