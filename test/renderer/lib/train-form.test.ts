// The Train form's "Number of layers" regenerates the widths by the core's rule (dense-widths.ts),
// from the tile the family resolves and the data's channels: what the core would use by default.
import { describe, expect, test } from 'vitest';
import { defaultDenseLayers } from '../../../src-main/core/engine/models/layers/dense-widths';
import { TrainForm } from '../../../src-renderer/src/lib/train-form.svelte';

describe('TrainForm', () => {
  test('a new number of layers gives the core default widths for that many layers', () => {
    const form = new TrainForm();
    // Digits: 28x28 gray, so the dense families read whole 28 px images (784 inputs).
    form.adopt({ channels: 1, maxEdge: 28, typical: { width: 28, height: 28 } });
    form.chooseFamily('dense-prior');
    expect(form.codeSize).toBe(64);
    expect(form.layers).toEqual(defaultDenseLayers(784, 64));

    form.setLayerCount(3);
    // Geometric from 784 towards the code, multiples of 8, never under twice the code.
    expect(form.layers).toEqual([416, 224, 128]);
    expect(form.layers).toEqual(defaultDenseLayers(784, 64, 3));
    expect(form.layerCount).toBe(3);
    expect(form.pristine).toBe(false);

    form.codeSize = 32;
    form.setLayerCount(1);
    expect(form.layers).toEqual(defaultDenseLayers(784, 32, 1));
  });
});
