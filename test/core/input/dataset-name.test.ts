import { describe, expect, it } from 'vitest';
import { defaultDatasetName, folderOfPath } from '../../../src-main/core/input/dataset-name.js';

const day = new Date('2026-12-02T10:00:00Z');

describe('defaultDatasetName', () => {
  it('names the dataset after the one folder the images came from', () => {
    expect(defaultDatasetName(['/home/ana/Pictures/landscapes'], day)).toBe('landscapes');
    expect(defaultDatasetName(['C:\\Users\\ana\\shoot\\', 'D:\\copy\\shoot'], day)).toBe('shoot');
  });

  it('falls back to "images" and the day for several folders, loose uploads, or nothing', () => {
    expect(defaultDatasetName(['/a/beach', '/b/alps'], day)).toBe('images 2026-12-02');
    expect(defaultDatasetName([null, null], day)).toBe('images 2026-12-02');
    expect(defaultDatasetName(['/'], day)).toBe('images 2026-12-02');
    expect(defaultDatasetName([], day)).toBe('images 2026-12-02');
  });

  it('takes an image path for its folder, any other path for a folder', () => {
    expect(folderOfPath('/photos/june/IMG_0001.JPG')).toBe('/photos/june');
    expect(folderOfPath('IMG_0001.JPG')).toBe('');
    expect(folderOfPath('/photos/june')).toBe('/photos/june');
    expect(defaultDatasetName([folderOfPath('/photos/june/a.png'), folderOfPath('/photos/june/b.webp')], day)).toBe('june');
  });
});
