import { describe, expect, it } from 'vitest';
import { defaultDatasetName as coreRule } from '../../../src-main/core/input/dataset-name';
import { defaultDatasetName, type Dropped } from '../../../src-renderer/src/lib/dropped';

const day = new Date('2026-12-02T10:00:00Z');
const files = (...relPaths: string[]): Dropped => ({
  kind: 'files',
  files: relPaths.map((relPath) => ({ file: new File([], relPath), relPath })),
});

describe('defaultDatasetName (the drop, the upload and the chosen folder name a dataset as the CLI does)', () => {
  it('an uploaded or dropped folder: its name, whatever sub-folders it has', () => {
    expect(defaultDatasetName(files('landscapes/a.png', 'landscapes/2024/b.jpg'), day)).toBe('landscapes');
    expect(defaultDatasetName({ kind: 'paths', paths: ['/srv/photos/landscapes'] }, day)).toBe('landscapes');
    expect(coreRule(['/srv/photos/landscapes'], day)).toBe('landscapes');
  });

  it('chosen image files: their folder; loose uploads or several folders: "images" and the day', () => {
    expect(defaultDatasetName({ kind: 'paths', paths: ['/srv/june/a.png', '/srv/june/b.png'] }, day)).toBe('june');
    expect(defaultDatasetName(files('a.png', 'b.png'), day)).toBe('images 2026-12-02');
    expect(defaultDatasetName(files('beach/a.png', 'alps/b.png'), day)).toBe('images 2026-12-02');
    // Never the first file's name.
    expect(defaultDatasetName(files('IMG_0001.JPG'), day)).not.toContain('IMG');
  });
});
