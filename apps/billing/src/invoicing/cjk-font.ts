import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Noto Sans Hans (OTF, GB2312 coverage) from the npm package @embedpdf/fonts-sc: a whole font file,
 * so pdfkit can subset it; no system font is assumed. The package's `exports` hide the font folder,
 * hence the path is derived from its resolvable entry point.
 */
export function resolveCjkFontPath(weight: 'Regular' | 'Bold' = 'Regular'): string {
  const entry = require.resolve('@embedpdf/fonts-sc');
  return join(dirname(entry), '..', 'fonts', `NotoSansHans-${weight}.otf`);
}

const cache = new Map<string, Buffer>();

/** Reading 8 MB per invoice would dominate render time, so each file is read once per process. */
export function loadFont(path: string): Buffer {
  let font = cache.get(path);
  if (!font) {
    font = readFileSync(path);
    cache.set(path, font);
  }
  return font;
}
