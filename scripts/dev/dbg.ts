import sharp from 'sharp';
for (const f of ['resources/sample/digits/digit-0-00.png', '/work/pretrain/small/corpus-small/digit-r00-c02.png', '/work/pretrain/small/corpus-small/fashion-04000.png', 'test/fixtures/digits/d0-r0-c80.png'])
  console.log(f, (await sharp(f).metadata()).channels, (await sharp(f).metadata()).space);
