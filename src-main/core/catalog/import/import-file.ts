// Imports one file into a dataset: hash, duplicate check, probe + thumbnail, then the image row
// and the job's item record in one transaction. Any failure becomes a 'failed' item naming the
// file and the reason; the import goes on with the next file.
import { createHash } from 'node:crypto';
import { toWireError } from '../../contract/errors.js';
import { loadImageFile } from '../../imaging/index.js';
import type { Catalog } from '../catalog.js';
import { splitForHash } from '../split.js';
import { saveThumbnail } from '../thumbnails.js';
import type { ItemOutcome } from '../types.js';
import { probeImage } from './probe.js';

export interface ImportTarget {
  jobId: number;
  datasetId: number;
  thumbnailsDir: string;
  /** The pixel budget (--max-pixels); the studio's default when absent. */
  maxPixels?: number;
}

export interface FileOutcome {
  outcome: ItemOutcome;
  /** Why it was skipped or failed (one line naming the file). */
  message?: string;
}

function oneLine(file: string, err: unknown): string {
  const msg = toWireError(err).message;
  return msg.includes(file) ? msg : `${file}: ${msg}`;
}

export async function importFile(catalog: Catalog, target: ImportTarget, file: string): Promise<FileOutcome> {
  let result: FileOutcome;
  try {
    // Under the input policy: a regular file within the size limit, its type checked by its head first.
    const { bytes } = await loadImageFile(file);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const existing = catalog.images.byHash(target.datasetId, hash);
    if (existing) {
      result = {
        outcome: 'skipped',
        message: existing.path === file ? `${file}: already imported` : `${file}: same content as ${existing.path}`,
      };
    } else {
      const probed = await probeImage(file, bytes, target.maxPixels);
      await saveThumbnail(target.thumbnailsDir, hash, probed.thumbnail);
      const added = catalog.transaction(() => {
        // Checked again inside the transaction: another import into this dataset may have added it meanwhile.
        if (catalog.images.byHash(target.datasetId, hash)) return false;
        catalog.images.add({
          datasetId: target.datasetId,
          path: file,
          hash,
          width: probed.width,
          height: probed.height,
          channels: probed.channels,
          format: probed.format,
          bytes: bytes.length,
          split: splitForHash(hash),
        });
        catalog.jobs.recordItem(target.jobId, { key: file, outcome: 'done' });
        return true;
      });
      if (added) return { outcome: 'done' };
      result = { outcome: 'skipped', message: `${file}: imported meanwhile by another job` };
    }
  } catch (err) {
    result = { outcome: 'failed', message: oneLine(file, err) };
  }
  catalog.jobs.recordItem(target.jobId, { key: file, outcome: result.outcome, message: result.message });
  return result;
}
