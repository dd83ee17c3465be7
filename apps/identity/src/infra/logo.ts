import sharp from 'sharp';

export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
export const LOGO_WIDTH = 164;
export const LOGO_HEIGHT = 78;
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);

export type LogoResult = { ok: true; content: Buffer; contentType: 'image/png'; width: number; height: number } | { ok: false; rule: string; message: string };

/**
 * The format is read from the bytes (sharp's header parse), never from the file name or the declared type. The
 * image is decoded, fitted into 164×78 (the size the site shows) on a transparent canvas and re-encoded as PNG,
 * which drops EXIF/GPS/ICC metadata and any payload appended to the original file.
 */
export async function processLogo(input: Buffer): Promise<LogoResult> {
  if (input.length === 0) return { ok: false, rule: 'logoEmpty', message: '机构logo文件为空' };
  if (input.length > LOGO_MAX_BYTES) return { ok: false, rule: 'logoSize', message: '机构logo不能超过2MB' };
  let format: string | undefined;
  try {
    // limitInputPixels guards against decompression bombs: a tiny file declaring a huge canvas.
    format = (await sharp(input, { limitInputPixels: 25_000_000 }).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) return { ok: false, rule: 'logoFormat', message: '机构logo须为PNG、JPEG或WebP格式的图片' };
  try {
    const { data, info } = await sharp(input, { limitInputPixels: 25_000_000, failOn: 'error' })
      .rotate()
      .resize(LOGO_WIDTH, LOGO_HEIGHT, { fit: 'contain', background: { r: 255, g: 255, b: 255, alpha: 0 } })
      .png()
      .toBuffer({ resolveWithObject: true });
    return { ok: true, content: data, contentType: 'image/png', width: info.width, height: info.height };
  } catch {
    return { ok: false, rule: 'logoFormat', message: '机构logo图片已损坏或无法识别' };
  }
}
