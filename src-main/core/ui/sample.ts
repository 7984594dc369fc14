// Finds the built-in sample dataset (resources/sample/digits) wherever the code runs.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { findResourceDir } from '../system/resources.js';

export const SAMPLE_DATASET = 'Sample digits';
export const SAMPLE_SOURCE =
  "400 handwritten digits (20x20) cut from OpenCV's digits.png, Apache-2.0 AND BSD-3-Clause (see resources/sample/SOURCES.md)";
const SAMPLE_REL = path.join('sample', 'digits');

export function findSampleDir(env: NodeJS.ProcessEnv = process.env, from?: string): string | null {
  return findResourceDir(SAMPLE_REL, (dir) => countImages(dir) > 0, env, from);
}

export function countImages(dir: string): number {
  try {
    return readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).length;
  } catch {
    return 0;
  }
}
