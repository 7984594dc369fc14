// What a worker accepts from the queue: the schema refuses paths that are not plain absolute
// ones, unknown fields, outputs outside the output folder and bad model references.
import { describe, expect, it } from 'vitest';
import { jobIdFor, modelKey, queueJobData, workOf } from '../../../src-main/core/queue/job-data.js';

const hash = 'ab'.repeat(32);
function job(over: Record<string, unknown> = {}) {
  const base = {
    v: 1,
    batch: '0123456789abcdef01234567',
    input: '/shared/in/a.png',
    output: '/shared/out/a.latent',
    outDir: '/shared/out',
    options: { kind: 'compress', skipExisting: false, overwrite: false, maxPixels: 1000, keepMetadata: true, format: 'png', settings: {} },
    model: { id: 'base-small', weightsHash: hash, ref: 'base-small', key: modelKey(hash) },
    ...over,
  };
  return { ...base, work: workOf(base as Parameters<typeof workOf>[0]) };
}

describe('queue job payload', () => {
  it('accepts a well-formed job', () => {
    expect(queueJobData.safeParse(job()).success).toBe(true);
  });

  it.each([
    ['a relative input', { input: 'in/a.png' }],
    ['a path with ..', { input: '/shared/in/../../etc/passwd' }],
    ['an output outside the output folder', { output: '/elsewhere/a.latent' }],
    ['an unknown field', { run: 'rm -rf /' }],
    ['a model id that is not a folder name', { model: { id: '../x', weightsHash: hash, ref: 'x', key: modelKey(hash) } }],
    ['a side storage key outside the model keys', { model: { id: 'm', weightsHash: hash, ref: 'm', key: 'other:key' } }],
    [
      'an option the worker does not know',
      {
        options: {
          kind: 'compress',
          skipExisting: false,
          overwrite: false,
          maxPixels: 1,
          keepMetadata: true,
          format: 'png',
          settings: { eval: '1' },
        },
      },
    ],
  ])('refuses %s', (_what, over) => {
    expect(queueJobData.safeParse(job(over)).success).toBe(false);
  });

  it('gives one job id per output path, and one work hash per work', () => {
    expect(jobIdFor('/o/a.latent')).toBe(jobIdFor('/o/a.latent'));
    expect(jobIdFor('/o/a.latent')).not.toBe(jobIdFor('/o/b.latent'));
    expect(jobIdFor('/o/a.latent')).toMatch(/^out-[0-9a-f]{40}$/);
    expect(job().work).not.toBe(job({ input: '/shared/in/b.png' }).work);
    expect(job({ batch: 'ffffffffffffffffffffffff' }).work).toBe(job().work);
  });
});
