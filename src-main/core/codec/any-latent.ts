// A .latent of either format version, from its bytes: the single-image reader that tells the
// versions apart, how a format-v2 file names its model, and the model and code settings of a file
// or pack from its first bytes. Reading the bytes off disk is codec-files/latent-file.ts's.
import { readCommonHeader, readSingle, LatentFormatError, type CodeParams, type SingleLatent } from './container.js';
import { isPackV2, isV2, MODEL_TAG_BYTES, readSingleV2, type V2Image, type V2Params } from './container-v2.js';

/** How a format-v2 file names its model: by a tag of the model's hash (the catalog resolves `tag:<hex>`). */
export interface V2Ref {
  version: 2;
  modelId: string;
  weightsTag: Uint8Array;
  family: number;
  quality: number;
}

export interface SingleLatentV2 {
  kind: 'single-v2';
  params: V2Params & V2Ref;
  image: V2Image;
  bytes: number;
}

export type AnySingleLatent = SingleLatent | SingleLatentV2;

export function v2Ref(p: V2Params): V2Ref {
  return { version: 2, modelId: `tag:${Buffer.from(p.tag).toString('hex')}`, weightsTag: p.tag, family: p.family, quality: p.quality };
}

/** A single file of either version, from its bytes. */
export function readAnySingle(bytes: Uint8Array, label: string): AnySingleLatent {
  if (isV2(bytes)) {
    const r = readSingleV2(bytes, label);
    return { kind: 'single-v2', params: { ...r.params, ...v2Ref(r.params) }, image: r.image, bytes: r.bytes };
  }
  return readSingle(bytes, label);
}

/**
 * Model and code settings of a file or pack of `size` bytes, from its first bytes (`head`, up to
 * container.ts's COMMON_HEADER_MAX of them); `label` names the file in errors.
 */
export function readLatentHead(head: Uint8Array, size: number, label: string): { params: CodeParams | V2Ref; pack: boolean } {
  if (isV2(head)) {
    // Prefix: magic (2), version/streams/flags, family/image flags, tag (6), quality.
    if (head.length < 5 + MODEL_TAG_BYTES) throw new LatentFormatError('truncated', `${label}: truncated (${size} bytes)`);
    const tag = head.subarray(4, 4 + MODEL_TAG_BYTES);
    return { params: v2Ref({ family: head[3]! >> 4, tag, quality: head[4 + MODEL_TAG_BYTES]! }), pack: isPackV2(head) };
  }
  return readCommonHeader(head, label);
}
