import { describe, expect, it } from 'vitest';
import { folderFilesText } from '../../../src-renderer/src/lib/folder-files';

const pngs = (n: number) => Array.from({ length: n }, (_, i) => `IMG_${String(i).padStart(4, '0')}.png`);

describe('folderFilesText', () => {
  it('counts the images a folder of photos holds (never just "no sub-folders")', () => {
    expect(folderFilesText(pngs(400))).toBe('400 images here: IMG_0000.png, IMG_0001.png, IMG_0002.png, …');
    expect(folderFilesText([...pngs(1), 'notes.txt', 'Thumbs.db'])).toBe('1 image, 2 other files here: IMG_0000.png');
  });

  it('counts latent files (a decompress input) and says when a folder has no images', () => {
    expect(folderFilesText(['a.latent', 'b.LATENT'])).toBe('2 latent files here: a.latent, b.LATENT');
    expect(folderFilesText(['notes.txt'])).toBe('1 file here, no images: notes.txt');
    expect(folderFilesText([])).toBe('No files in this folder.');
  });
});
