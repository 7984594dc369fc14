// The Train form's values, presets and validation. Presets come from resources/presets so the
// CLI and docs can share them.
import presetFile from '../../../resources/presets/train-presets.json';
import { sandwich } from './code-size';

export type Arch = 'dense' | 'conv';
export type Loss = 'bce' | 'mse';

export interface TrainPreset {
  id: string;
  label: string;
  description: string;
  arch: Arch;
  codeSize?: number;
  layers?: number[];
  loss: Loss;
  tile: number;
  epochs: number;
  batchSize: number;
  downsample?: number;
  channels?: number;
  codeChannels?: number;
}

export const PRESETS: TrainPreset[] = (presetFile as { presets: TrainPreset[] }).presets;

export class TrainForm {
  preset = $state<string>('digits');
  arch = $state<Arch>('dense');
  codeSize = $state(32);
  layerCount = $state(2);
  layersText = $state('256, 64');
  loss = $state<Loss>('bce');
  tile = $state(0);
  downsample = $state(8);
  channels = $state(48);
  codeChannels = $state(8);
  epochs = $state(20);
  batchSize = $state(64);
  seed = $state(1);
  name = $state('');

  layers = $derived(
    this.layersText
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => Number(s)),
  );

  problems = $derived.by(() => {
    const p: string[] = [];
    const int = (v: number, lo: number, hi: number, what: string) => {
      if (!Number.isInteger(v) || v < lo || v > hi) p.push(`${what} must be a whole number from ${lo} to ${hi}`);
    };
    int(this.epochs, 1, 1000, 'Epochs');
    int(this.batchSize, 1, 1024, 'Batch size');
    if (this.arch === 'dense') {
      int(this.codeSize, 1, 4096, 'Code size');
      if (this.layers.length === 0 || this.layers.some((n) => !Number.isInteger(n) || n < 1 || n > 8192))
        p.push('Nodes per layer: whole numbers from 1 to 8192, separated by commas');
      if (this.tile !== 0) int(this.tile, 4, 256, 'Tile size');
    } else {
      int(this.channels, 4, 256, 'Channels');
      int(this.codeChannels, 1, 128, 'Code channels');
      int(this.tile, 16, 512, 'Training crop');
    }
    return p;
  });

  applyPreset(id: string): void {
    const pr = PRESETS.find((x) => x.id === id);
    if (!pr) return;
    this.preset = id;
    this.arch = pr.arch;
    this.loss = pr.loss;
    this.tile = pr.tile;
    this.epochs = pr.epochs;
    this.batchSize = pr.batchSize;
    if (pr.codeSize !== undefined) this.codeSize = pr.codeSize;
    if (pr.layers) {
      this.layerCount = pr.layers.length;
      this.layersText = pr.layers.join(', ');
    }
    if (pr.downsample !== undefined) this.downsample = pr.downsample;
    if (pr.channels !== undefined) this.channels = pr.channels;
    if (pr.codeChannels !== undefined) this.codeChannels = pr.codeChannels;
  }

  /** Changing the number of layers regenerates the sandwich from the first layer's width. */
  setLayerCount(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 8) return;
    this.layerCount = n;
    this.layersText = sandwich(n, this.layers[0] ?? 256, this.codeSize).join(', ');
  }

  /** Any manual edit means the form no longer matches a preset. */
  touched(): void {
    this.preset = '';
  }
}

/** One form for the session: switching views keeps what the user typed. */
export const trainForm = new TrainForm();
