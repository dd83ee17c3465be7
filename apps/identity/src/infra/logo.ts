import sharp from 'sharp';

export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
export const LOGO_WIDTH = 164;
export const LOGO_HEIGHT = 78;
/**
 * About 4 megapixels (2000×2000) is far more than a 164×78 logo needs. A few-kilobyte PNG may declare a 25 MP canvas,
 * which decodes to 100 MB of pixels; past this, the file is refused from its header, before anything is decoded.
 */
export const LOGO_MAX_INPUT_PIXELS = 4_000_000;
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);

export type LogoProblem = { ok: false; rule: string; message: string };
export type LogoResult = { ok: true; content: Buffer; contentType: 'image/png'; width: number; height: number } | LogoProblem;

/**
 * What can be said of an upload without decoding it: its size, and from the header alone (sharp's metadata) its
 * format — read from the bytes, never from the file name or the declared type — and its pixel count. Cheap enough to
 * run before the captcha is checked.
 */
export async function inspectLogo(input: Buffer): Promise<{ ok: true } | LogoProblem> {
  if (input.length === 0) return { ok: false, rule: 'logoEmpty', message: '机构logo文件为空' };
  if (input.length > LOGO_MAX_BYTES) return { ok: false, rule: 'logoSize', message: '机构logo不能超过2MB' };
  let header: sharp.Metadata | undefined;
  try {
    // Header only; sharp's own pixel limit would throw here and hide why the file is refused.
    header = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    header = undefined;
  }
  if (!header?.format || !ACCEPTED_FORMATS.has(header.format)) return { ok: false, rule: 'logoFormat', message: '机构logo须为PNG、JPEG或WebP格式的图片' };
  if (!header.width || !header.height || header.width * (header.pageHeight ?? header.height) > LOGO_MAX_INPUT_PIXELS) {
    return { ok: false, rule: 'logoPixels', message: '机构logo图片尺寸过大，不能超过400万像素（如2000×2000）' };
  }
  return { ok: true };
}

/**
 * Decodes the image (after inspectLogo's checks, and with sharp's own pixel limit as a second guard), fits it into
 * 164×78 (the size the site shows) on a transparent canvas and re-encodes it as PNG, which drops EXIF/GPS/ICC metadata
 * and any payload appended to the original file.
 */
export async function processLogo(input: Buffer): Promise<LogoResult> {
  const inspected = await inspectLogo(input);
  if (!inspected.ok) return inspected;
  try {
    const { data, info } = await sharp(input, { limitInputPixels: LOGO_MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(LOGO_WIDTH, LOGO_HEIGHT, { fit: 'contain', background: { r: 255, g: 255, b: 255, alpha: 0 } })
      .png()
      .toBuffer({ resolveWithObject: true });
    return { ok: true, content: data, contentType: 'image/png', width: info.width, height: info.height };
  } catch {
    return { ok: false, rule: 'logoFormat', message: '机构logo图片已损坏或无法识别' };
  }
}
