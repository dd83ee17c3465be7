import sharp from 'sharp';
import { corruptPng } from '../testing/images';
import { inspectLogo, LOGO_MAX_INPUT_PIXELS, processLogo } from './logo';

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#336699' } }).png({ compressionLevel: 9 }).toBuffer();

describe('logo upload', () => {
  it('refuses more than about 4 megapixels from the header, before decoding', async () => {
    expect(LOGO_MAX_INPUT_PIXELS).toBe(4_000_000);
    expect(await inspectLogo(await png(2000, 2000))).toEqual({ ok: true });
    for (const [w, h] of [[2001, 2000], [5000, 5000]]) {
      expect(await inspectLogo(await png(w, h))).toMatchObject({ ok: false, rule: 'logoPixels', message: expect.stringContaining('400万像素') });
      expect(await processLogo(await png(w, h))).toMatchObject({ ok: false, rule: 'logoPixels' });
    }
  });

  it('a header claiming a huge canvas is refused without reading its data', async () => {
    expect(await inspectLogo(corruptPng(30_000, 30_000))).toMatchObject({ ok: false, rule: 'logoPixels' });
  });

  it('the header of a corrupt image passes inspection; only decoding finds the damage', async () => {
    expect(await inspectLogo(corruptPng(100, 50))).toEqual({ ok: true });
    expect(await processLogo(corruptPng(100, 50))).toMatchObject({ ok: false, rule: 'logoFormat' });
  });

  it('still fits an accepted image into 164×78 PNG', async () => {
    expect(await processLogo(await png(1600, 400))).toMatchObject({ ok: true, contentType: 'image/png', width: 164, height: 78 });
  });
});
