// The Train form's values, defaults and validation. Families, their options, presets and
// hyperparameter defaults come from the core's registry (lib/families.ts); limits come from the
// contract's TrainRequest schema.
import { TrainRequest } from '../../../src-main/core/contract/engine';
import { sandwich } from './code-size';
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
import { ruleWords } from './train-limits';

export type OptionKey = keyof FamilyOptions;
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
  /** Rate points as the family will train them (sorted), for the range wording. */
  rateLambdas = $derived(this.hyper && Array.isArray(this.hyper.lambdas) ? (this.hyper.lambdas as number[]) : this.lambdas);

  problems = $derived.by(() => {
    const p: Record<string, string> = {};
    const parsed = OptionsSchema.safeParse(this.requestFields());
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? '') as keyof TrainRequest;
        const label = FIELD_LABELS[key] ?? key;
        p[key] ??= `${label}: ${ruleWords(key)}`;
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
    this.applyDefaults({}, facts);
  }

  chooseFamily(name: FamilyName): void {
    this.family = name;
    this.pristine = false;
    this.applyDefaults({}, this.facts ?? FALLBACK_FACTS);
  }

  applyPreset(id: string): void {
    const pr = this.meta.presets.find((x) => x.id === id);
    if (!pr) return;
    this.pristine = false;
    this.applyDefaults(pr.options, this.facts ?? FALLBACK_FACTS);
  }

  /** Fills every field from the family's hyperparameters for these options and the data. */
  private applyDefaults(options: FamilyOptions, facts: DataFacts): void {
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
    this.loss = options.loss ?? meta.defaultLoss;
    this.batchSize = meta.defaultBatchSize;
    this.minutes = defaultMinutes(facts.maxEdge);
  }

  /** Changing the number of layers regenerates the sandwich from the first layer's width. */
  setLayerCount(n: number): void {
    if (!Number.isInteger(n) || n < 1) return;
    this.pristine = false;
    this.layerCount = n;
    this.layersText = sandwich(n, this.layers[0] ?? 256, num(this.codeSize)).join(', ');
  }

  /** Any manual edit: the form stops following the dataset. */
  touched(): void {
    this.pristine = false;
  }
}

/** One form for the session: switching views keeps what the user typed. */
export const trainForm = new TrainForm();
