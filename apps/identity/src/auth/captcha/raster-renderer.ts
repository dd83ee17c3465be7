import sharp from 'sharp';
import { captchaFaces, type CaptchaFace, type GlyphMask } from './glyph-atlas';

export interface RasterCaptchaOptions {
  /** Size of the PNG the page shows. */
  width: number;
  height: number;
  /** Curves drawn under the glyphs and over them. */
  linesBehind: number;
  linesAcross: number;
  dots: number;
  /** Largest glyph rotation either way, in degrees. */
  maxRotation: number;
}

export const DEFAULT_RASTER_OPTIONS: RasterCaptchaOptions = { width: 160, height: 56, linesBehind: 4, linesAcross: 2, dots: 80, maxRotation: 25 };

/** Drawn at twice the size and scaled down once at the end: anti-aliased edges for every rotation and warp. */
const SUPERSAMPLE = 1;

/** Visual jitter only; the secret (the operands) comes from crypto elsewhere, so Math.random is adequate here. */
type Random = () => number;
const between = (random: Random, min: number, max: number): number => min + random() * (max - min);

type Rgb = readonly [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)];
}

/** An RGB canvas of floats; every drawing operation blends a colour in with a coverage in [0, 1]. */
class Canvas {
  readonly px: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.px = new Float32Array(width * height * 3);
  }

  blend(x: number, y: number, colour: Rgb, coverage: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || coverage <= 0) return;
    const i = (y * this.width + x) * 3;
    const c = Math.min(1, coverage);
    for (let k = 0; k < 3; k++) this.px[i + k] = this.px[i + k]! * (1 - c) + colour[k]! * c;
  }

  /** A round-ended segment of the given width, with a one-pixel soft edge. */
  segment(x0: number, y0: number, x1: number, y1: number, width: number, colour: Rgb): void {
    const r = width / 2;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy || 1;
    for (let y = Math.floor(Math.min(y0, y1) - r - 1); y <= Math.ceil(Math.max(y0, y1) + r + 1); y++) {
      for (let x = Math.floor(Math.min(x0, x1) - r - 1); x <= Math.ceil(Math.max(x0, x1) + r + 1); x++) {
        const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len2));
        const d = Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
        this.blend(x, y, colour, r + 0.5 - d);
      }
    }
  }
}

/** A cubic Bézier from the left edge to the right, in short segments. */
function curve(canvas: Canvas, random: Random, colour: Rgb, width: number, band: readonly [number, number]): void {
  const { width: w } = canvas;
  const y = (): number => between(random, band[0], band[1]);
  const p = [
    [between(random, 0, w * 0.15), y()],
    [between(random, w * 0.2, w * 0.5), y()],
    [between(random, w * 0.5, w * 0.8), y()],
    [between(random, w * 0.85, w), y()],
  ] as const;
  let [px, py] = p[0];
  for (let s = 1; s <= 24; s++) {
    const t = s / 24;
    const u = 1 - t;
    const x = u * u * u * p[0][0] + 3 * u * u * t * p[1][0] + 3 * u * t * t * p[2][0] + t * t * t * p[3][0];
    const yy = u * u * u * p[0][1] + 3 * u * u * t * p[1][1] + 3 * u * t * t * p[2][1] + t * t * t * p[3][1];
    canvas.segment(px, py, x, yy, width, colour);
    [px, py] = [x, yy];
  }
}

/** Bilinear coverage of a glyph mask at a fractional position (0 outside). */
function coverageAt(mask: GlyphMask, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number): number => (xx < 0 || yy < 0 || xx >= mask.width || yy >= mask.height ? 0 : mask.alpha[yy * mask.width + xx]!);
  return ((at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy) / 255;
}

/**
 * Draws one glyph centred on (cx, cy): scaled, rotated and sheared, by mapping every destination pixel back into the
 * mask (the inverse of the affine transform), so the glyph has no holes at any angle.
 */
function glyph(canvas: Canvas, mask: GlyphMask, cx: number, cy: number, scale: number, degrees: number, shear: number, colour: Rgb): void {
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const half = (Math.hypot(mask.width, mask.height) * scale * (1 + Math.abs(shear))) / 2 + 2;
  for (let y = Math.floor(cy - half); y <= Math.ceil(cy + half); y++) {
    for (let x = Math.floor(cx - half); x <= Math.ceil(cx + half); x++) {
      // Undo the rotation, then the shear, then the scale.
      const rx = (x - cx) * cos + (y - cy) * sin;
      const ry = -(x - cx) * sin + (y - cy) * cos;
      const sx = (rx - shear * ry) / scale + mask.width / 2;
      const sy = ry / scale + mask.height / 2;
      canvas.blend(x, y, colour, coverageAt(mask, sx, sy));
    }
  }
}

/** Moves every pixel along two sine waves (rows sideways, columns up and down): the glyphs' strokes bend. */
function warp(canvas: Canvas, random: Random): Canvas {
  const { width: w, height: h } = canvas;
  const out = new Canvas(w, h);
  const ax = between(random, 1.5, 3) * SUPERSAMPLE;
  const ay = between(random, 2, 4) * SUPERSAMPLE;
  const px = between(random, 22, 40) * SUPERSAMPLE;
  const py = between(random, 35, 70) * SUPERSAMPLE;
  const phx = between(random, 0, 2 * Math.PI);
  const phy = between(random, 0, 2 * Math.PI);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = Math.min(w - 1.001, Math.max(0, x + ax * Math.sin((2 * Math.PI * y) / px + phx)));
      const sy = Math.min(h - 1.001, Math.max(0, y + ay * Math.sin((2 * Math.PI * x) / py + phy)));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * w + x) * 3;
      const a = (y0 * w + x0) * 3;
      const b = a + w * 3;
      const src = canvas.px;
      for (let k = 0; k < 3; k++) {
        out.px[o + k] = (src[a + k]! * (1 - fx) + src[a + 3 + k]! * fx) * (1 - fy) + (src[b + k]! * (1 - fx) + src[b + 3 + k]! * fx) * fy;
      }
    }
  }
  return out;
}

/** Pure: draws `text` with the given faces into a supersampled RGB canvas (tests look at its pixels). */
export function drawCaptcha(text: string, faces: readonly CaptchaFace[], options: RasterCaptchaOptions = DEFAULT_RASTER_OPTIONS, random: Random = Math.random): Canvas {
  const w = options.width * SUPERSAMPLE;
  const h = options.height * SUPERSAMPLE;
  const canvas = new Canvas(w, h);
  // A light background that drifts from one hue to another across the image.
  const [from, to] = [hsl(between(random, 0, 360), 0.45, 0.93), hsl(between(random, 0, 360), 0.45, 0.9)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) canvas.px[i + k] = from[k]! + ((to[k]! - from[k]!) * x) / w;
    }
  }
  const mid = (): Rgb => hsl(between(random, 0, 360), between(random, 0.3, 0.7), between(random, 0.45, 0.65));
  const dark = (): Rgb => hsl(between(random, 0, 360), between(random, 0.45, 0.8), between(random, 0.15, 0.35));

  const light = (): Rgb => hsl(between(random, 0, 360), between(random, 0.3, 0.6), between(random, 0.6, 0.75));
  for (let i = 0; i < options.linesBehind; i++) curve(canvas, random, light(), between(random, 0.8, 1.6) * SUPERSAMPLE, [h * 0.1, h * 0.9]);

  const chars = [...text];
  const margin = 6 * SUPERSAMPLE;
  const slot = (w - 2 * margin) / chars.length;
  const heavy = faces.filter((f) => f.heavy);
  chars.forEach((ch, index) => {
    const isDigit = /\d|\?/.test(ch);
    // Signs only in heavy faces: a hairline − among the noise lines would be read as one of them.
    const pool = isDigit || heavy.length === 0 ? faces : heavy;
    const face = pool[Math.floor(random() * pool.length)]!;
    const mask = face.glyphs.get(ch);
    if (!mask) throw new Error(`captcha glyph missing for ${JSON.stringify(ch)}`);
    // Digit height from 50% to 68% of the image, whatever the face's own size.
    const scale = (between(random, 0.5, 0.68) * h) / face.digitHeight;
    const cx = margin + slot * (index + 0.5) + between(random, -0.12, 0.12) * slot;
    const cy = h / 2 + between(random, -0.1, 0.1) * h;
    // A sign turned far reads as another (+ at 45° is ×, = becomes a slash): signs get a third of the digits' rotation.
    const turn = isDigit ? options.maxRotation : options.maxRotation / 3;
    glyph(canvas, mask, cx, cy, scale, between(random, -turn, turn), between(random, -0.3, 0.3), dark());
  });

  // Lines through the glyph band, as dark as the glyphs, so they cannot be told apart by colour or cut out by box.
  for (let i = 0; i < options.linesAcross; i++) curve(canvas, random, dark(), between(random, 0.6, 0.9) * SUPERSAMPLE, [h * 0.3, h * 0.7]);
  for (let i = 0; i < options.dots; i++) {
    const x = between(random, 0, w);
    const y = between(random, 0, h);
    canvas.segment(x, y, x, y, between(random, 0.8, 2.2) * SUPERSAMPLE, random() < 0.7 ? mid() : dark());
  }
  return warp(canvas, random);
}

/** The expression as a PNG with varied faces, sizes, rotations, shear, a sine warp, lines and dots. */
export async function renderCaptchaPng(text: string, options: RasterCaptchaOptions = DEFAULT_RASTER_OPTIONS, random: Random = Math.random): Promise<Buffer> {
  const canvas = drawCaptcha(text, await captchaFaces(), options, random);
  const bytes = Buffer.alloc(canvas.px.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(canvas.px[i]!)));
  return sharp(bytes, { raw: { width: canvas.width, height: canvas.height, channels: 3 } })
    .resize(options.width, options.height, { kernel: 'lanczos3' })
    .png({ compressionLevel: 6, palette: false })
    .toBuffer();
}
