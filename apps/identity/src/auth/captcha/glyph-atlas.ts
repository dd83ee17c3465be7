import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { STROKE_GLYPHS, strokeGlyphSvg } from './stroke-font';

/** One character of one face as coverage (0–255) per pixel, cropped to its ink. */
export interface GlyphMask {
  readonly width: number;
  readonly height: number;
  readonly alpha: Uint8Array;
}

/** A face: every captcha character, and the height of its digit 8, by which glyphs are scaled (so “=” stays small). */
export interface CaptchaFace {
  readonly name: string;
  /** Strokes thick enough for the thin signs (− is a hairline in a light weight and reads as a noise line). */
  readonly heavy: boolean;
  readonly digitHeight: number;
  readonly glyphs: ReadonlyMap<string, GlyphMask>;
}

/** Every character an expression can contain: `a+b=?`, `a−b=?`, `a×b=?`. */
export const CAPTCHA_CHARACTERS = [...'0123456789+−×=?'];

/**
 * Noto Sans SC (OFL, already shipped for the invoices' PDFs) in four weights: the font file is handed to Pango
 * directly, so the image looks the same in the slim container, which has no system fonts.
 */
const NOTO_WEIGHTS = [
  { dir: '300Light', file: 'NotoSansSC_300Light.ttf', pango: 'Noto Sans SC Light', heavy: false },
  { dir: '500Medium', file: 'NotoSansSC_500Medium.ttf', pango: 'Noto Sans SC Medium', heavy: false },
  { dir: '700Bold', file: 'NotoSansSC_700Bold.ttf', pango: 'Noto Sans SC Bold', heavy: true },
  { dir: '900Black', file: 'NotoSansSC_900Black.ttf', pango: 'Noto Sans SC Black', heavy: true },
] as const;

/** Rendered large (digit ≈ 50 px) and scaled down per captcha, so every size the renderer picks stays smooth. */
const GLYPH_DPI = 400;

async function alphaOf(image: sharp.Sharp): Promise<GlyphMask> {
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const alpha = new Uint8Array(info.width * info.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = data[i * info.channels + info.channels - 1]!;
  return { width: info.width, height: info.height, alpha };
}

async function faceOf(name: string, heavy: boolean, render: (ch: string) => sharp.Sharp): Promise<CaptchaFace> {
  const glyphs = new Map<string, GlyphMask>();
  for (const ch of CAPTCHA_CHARACTERS) glyphs.set(ch, await alphaOf(render(ch)));
  return { name, heavy, digitHeight: glyphs.get('8')!.height, glyphs };
}

async function loadFaces(): Promise<CaptchaFace[]> {
  const notoDir = dirname(require.resolve('@expo-google-fonts/noto-sans-sc'));
  const faces: CaptchaFace[] = [];
  for (const w of NOTO_WEIGHTS) {
    const fontfile = join(notoDir, w.dir, w.file);
    faces.push(await faceOf(w.pango, w.heavy, (ch) => sharp({ text: { text: ch, fontfile, font: w.pango, dpi: GLYPH_DPI, rgba: true } })));
  }
  for (const strokeWidth of [4, 7]) {
    faces.push(await faceOf(`stroke-${strokeWidth}`, strokeWidth >= 7, (ch) => sharp(Buffer.from(strokeGlyphSvg(ch, 3, strokeWidth, strokeWidth)))));
  }
  for (const face of faces) {
    const missing = CAPTCHA_CHARACTERS.filter((ch) => (face.glyphs.get(ch)?.alpha.some((a) => a > 0) ?? false) === false);
    if (missing.length > 0) throw new Error(`captcha face ${face.name} draws nothing for ${missing.join(' ')}`);
  }
  if (Object.keys(STROKE_GLYPHS).length < CAPTCHA_CHARACTERS.length) throw new Error('stroke font lacks captcha characters');
  return faces;
}

let faces: Promise<CaptchaFace[]> | undefined;

/** The faces, rasterised once per process (≈0.5 s, then a few hundred kB) on first use. */
export function captchaFaces(): Promise<CaptchaFace[]> {
  faces ??= loadFaces().catch((err: unknown) => {
    faces = undefined;
    throw err;
  });
  return faces;
}
