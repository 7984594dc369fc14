// What the folder browser says of the files a folder holds: how many images (what an import or a
// batch would take, by the walk's own extension list), latent files and others, and a few names.
import { isImageName, LATENT_EXTENSION } from '../../../src-main/core/input/extensions';

const SHOWN = 3;

function count(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export function folderFilesText(names: readonly string[]): string {
  if (names.length === 0) return 'No files in this folder.';
  const images = names.filter(isImageName);
  const latents = names.filter((n) => n.toLowerCase().endsWith(LATENT_EXTENSION));
  const others = names.length - images.length - latents.length;
  const known = images.length + latents.length > 0;
  const parts = [
    ...(images.length ? [count(images.length, 'image')] : []),
    ...(latents.length ? [count(latents.length, 'latent file')] : []),
    ...(others ? [count(others, known ? 'other file' : 'file')] : []),
  ];
  const named = images.length ? images : latents.length ? latents : names;
  const sample = named.slice(0, SHOWN).join(', ') + (named.length > SHOWN ? ', …' : '');
  return `${parts.join(', ')} here${known ? '' : ', no images'}: ${sample}`;
}
