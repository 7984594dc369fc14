// The words the Train form and the model cards show for families and presets are the user's, not
// the project's history (issue 16: "the seed's dense sandwich").
import { describe, expect, it } from 'vitest';
import { FAMILY_LIST, familyLabel } from '../../../src-renderer/src/lib/families';

const JARGON = /sandwich|\bthe seed'?s?\b|\bseed's\b/i;

describe('families as the renderer words them', () => {
  it('labels, descriptions and preset names carry no internal jargon', () => {
    const words = FAMILY_LIST.flatMap((f) => [f.label, f.description, familyLabel(f.name), ...f.presets.map((p) => p.label)]);
    expect(words.length).toBeGreaterThan(FAMILY_LIST.length * 2);
    expect(words.filter((w) => JARGON.test(w))).toEqual([]);
  });
});
