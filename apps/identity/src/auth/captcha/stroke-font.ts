export type Point = readonly [number, number];
export type Stroke = readonly Point[];

/**
 * A hand-drawn stroke font (cell 10×16), one of the captcha's faces next to the Noto Sans SC weights. It only ever
 * reaches the client as pixels of a raster image: sent as SVG paths it was read back glyph by glyph (issue 25).
 */
export const STROKE_GLYPHS: Record<string, readonly Stroke[]> = {
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

export const STROKE_CELL = { width: 10, height: 16 } as const;

/** The glyph as an SVG document of `scale`× the cell plus `pad` on each side, for rasterising (never sent). */
export function strokeGlyphSvg(ch: string, scale: number, strokeWidth: number, pad: number): string {
  const strokes = STROKE_GLYPHS[ch];
  if (!strokes) throw new Error(`captcha glyph missing for ${JSON.stringify(ch)}`);
  const w = STROKE_CELL.width * scale + 2 * pad;
  const h = STROKE_CELL.height * scale + 2 * pad;
  const d = strokes.map((stroke) => stroke.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${(pad + x * scale).toFixed(1)} ${(pad + y * scale).toFixed(1)}`).join('')).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><path d="${d}" fill="none" stroke="#000" stroke-width="${strokeWidth}" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
}
