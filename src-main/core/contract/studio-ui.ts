// Contract fragment: things only the studio's own UI asks for — where the built-in sample
// dataset is (the first run offers to load it) and showing an output folder to the user.
import { z } from 'zod';
import { method } from './define.js';

export interface SampleInfo {
  /** Absolute folder of the sample images on the studio's machine; null when not shipped. */
  path: string | null;
  /** Number of images in it. */
  images: number;
  /** The dataset name the UI imports it under. */
  dataset: string;
  /** One line: where the images come from and their license. */
  source: string;
  /** Whether a dataset of that name is already in the catalog. */
  loaded: boolean;
}

export interface OpenFolderResult {
  /** True when the host showed the folder in the system file manager. */
  opened: boolean;
  /** Why not (e.g. the browser studio cannot open windows on the studio's machine). */
  reason?: string;
}

export const studioUiMethods = {
  getSample: method<SampleInfo>()(
    z.object({}).strict(),
    'Where the built-in sample dataset (handwritten digits) is, and whether it is already loaded.',
  ),
  openFolder: method<OpenFolderResult>()(
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    'Show a folder in the system file manager (desktop app); elsewhere says why not, so the UI lists it instead.',
  ),
} as const;

export const studioUiEvents = {} as const;
