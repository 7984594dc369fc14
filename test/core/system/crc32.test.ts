// THE CRC-32: the standard check value, continued over pieces, and the checksum PNG readers
// verify on the eXIf chunk imaging/write.ts inserts (a wrong CRC makes libpng reject the chunk).
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { insertExif } from '../../../src-main/core/imaging/write.js';
import { crc32 } from '../../../src-main/core/system/crc32.js';

describe('crc32', () => {
  it('matches the standard check value, in one piece or continued', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('seals the eXIf chunk put into a PNG, which sharp then reads back', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const exif = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'crc test' } })
      .toBuffer()
      .then(async (b) => (await sharp(b).metadata()).exif!);
    const out = insertExif(png, exif, 'png');
    const at = out.indexOf(Buffer.from('eXIf', 'latin1'));
    const len = out.readUInt32BE(at - 4);
    expect(out.readUInt32BE(at + 4 + len)).toBe(crc32(out.subarray(at, at + 4 + len)));
    const meta = await sharp(out).metadata();
    expect(meta.exif?.includes(Buffer.from('crc test', 'latin1'))).toBe(true);
  });
});
