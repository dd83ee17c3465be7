type Point = readonly [number, number];
type Stroke = readonly Point[];

/**
 * Hand-drawn stroke font (cell 10×16). Text is drawn as jittered paths rather than <text> elements because
 * an SVG <text> would hand the expression to any bot that reads the markup; svg-captcha's font also lacks “×”.
 */
const GLYPHS: Record<string, readonly Stroke[]> = {
  '0': [[[5, 0], [8.5, 2], [10, 8], [8.5, 14], [5, 16], [1.5, 14], [0, 8], [1.5, 2], [5, 0]]],
  '1': [[[2, 3], [5.5, 0], [5.5, 16]], [[2, 16], [9, 16]]],
  '2': [[[0.5, 3], [3, 0.3], [7, 0.3], [9.5, 3], [9, 6.5], [0.5, 16], [10, 16]]],
  '3': [[[0.5, 1.5], [4, 0], [8, 0.5], [9.5, 3.5], [8, 6.5], [4, 7.8], [8.5, 9], [10, 12], [8, 15.3], [4, 16], [0.5, 14.5]]],
  '4': [[[7.5, 16], [7.5, 0], [0, 11], [10, 11]]],
  '5': [[[9.5, 0], [1.5, 0], [1, 7], [5, 6], [9, 7.5], [10, 11.5], [8, 15.3], [4, 16], [0.5, 14.5]]],
  '6': [[[8.5, 0.8], [5, 0], [1.5, 2.5], [0, 8], [0.5, 13], [3, 16], [7, 16], [9.8, 13], [9.5, 9.5], [7, 7.5], [3.5, 7.5], [0.5, 10]]],
  '7': [[[0, 0], [10, 0], [4, 16]]],
  '8': [[[5, 7.5], [1.5, 5.8], [1, 2.5], [5, 0], [9, 2.5], [8.5, 5.8], [5, 7.5], [1, 10.5], [1, 14], [5, 16], [9, 14], [9, 10.5], [5, 7.5]]],
  '9': [[[9.5, 6], [6.5, 8.5], [3, 8.5], [0.3, 6], [0.5, 2.5], [3.5, 0], [7, 0], [9.5, 2.5], [10, 8], [8.5, 13.5], [5, 16], [1.5, 15.2]]],
  '+': [[[5, 3.5], [5, 12.5]], [[0.5, 8], [9.5, 8]]],
  '−': [[[0.5, 8], [9.5, 8]]],
  '×': [[[1.5, 4], [8.5, 12]], [[8.5, 4], [1.5, 12]]],
  '=': [[[0.5, 5.5], [9.5, 5.5]], [[0.5, 10.5], [9.5, 10.5]]],
  '?': [[[1, 3.5], [3, 0.5], [7, 0.3], [9.5, 3], [9, 6], [5, 9], [5, 11.8]], [[5, 14.6], [5, 16]]],
};

export interface SvgCaptchaOptions {
  width: number;
  height: number;
  noiseLines: number;
  noiseDots: number;
  /** Maximum glyph rotation either way, in degrees. */
  maxRotation: number;
}

export const DEFAULT_SVG_OPTIONS: SvgCaptchaOptions = { width: 160, height: 56, noiseLines: 4, noiseDots: 40, maxRotation: 18 };

/** Visual jitter only; the secret (operands) comes from crypto elsewhere, so Math.random is adequate here. */
const rand = (min: number, max: number): number => min + Math.random() * (max - min);
const fmt = (n: number): string => n.toFixed(1);
const darkColour = (): string => `hsl(${Math.floor(rand(0, 360))},${Math.floor(rand(45, 80))}%,${Math.floor(rand(18, 38))}%)`;
const midColour = (): string => `hsl(${Math.floor(rand(0, 360))},${Math.floor(rand(30, 70))}%,${Math.floor(rand(40, 65))}%)`;

export function supportedCaptchaCharacters(): string[] {
  return Object.keys(GLYPHS);
}

export function renderCaptchaSvg(text: string, options: SvgCaptchaOptions = DEFAULT_SVG_OPTIONS): string {
  const { width, height } = options;
  const chars = [...text];
  const slot = (width - 16) / chars.length;
  const parts: string[] = [];
  parts.push(`<rect width="100%" height="100%" fill="hsl(${Math.floor(rand(0, 360))},40%,94%)"/>`);
  for (let i = 0; i < options.noiseLines; i++) parts.push(noiseCurve(width, height));

  chars.forEach((ch, index) => {
    const strokes = GLYPHS[ch];
    if (!strokes) throw new Error(`captcha glyph missing for ${JSON.stringify(ch)}`);
    const scale = rand(1.6, 2.1);
    const cx = 8 + slot * index + slot / 2;
    const cy = height / 2 + rand(-4, 4);
    const rotation = rand(-options.maxRotation, options.maxRotation);
    const d = strokes
      .map((stroke) => stroke.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${fmt((x - 5 + rand(-0.45, 0.45)) * scale)} ${fmt((y - 8 + rand(-0.45, 0.45)) * scale)}`).join(''))
      .join('');
    parts.push(
      `<path transform="translate(${fmt(cx)} ${fmt(cy)}) rotate(${fmt(rotation)})" d="${d}" fill="none" stroke="${darkColour()}" stroke-width="${fmt(rand(2.2, 3))}" stroke-linecap="round" stroke-linejoin="round"/>`,
    );
  });

  for (let i = 0; i < options.noiseDots; i++) {
    parts.push(`<circle cx="${fmt(rand(0, width))}" cy="${fmt(rand(0, height))}" r="${fmt(rand(0.6, 1.8))}" fill="${midColour()}"/>`);
  }
  // A final curve over the glyphs stops simple segmentation by colour or bounding box.
  parts.push(noiseCurve(width, height));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function noiseCurve(width: number, height: number): string {
  const y = (): string => fmt(rand(height * 0.1, height * 0.9));
  return `<path d="M${fmt(rand(0, width * 0.2))} ${y()}C${fmt(rand(width * 0.2, width * 0.5))} ${y()},${fmt(rand(width * 0.5, width * 0.8))} ${y()},${fmt(rand(width * 0.8, width))} ${y()}" fill="none" stroke="${midColour()}" stroke-width="${fmt(rand(1, 2))}"/>`;
}
