import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'gb18030';

/**
 * Chinese bank exports are UTF-8 (often with BOM) or GBK. A strict UTF-8 decode almost never succeeds on GBK
 * bytes with Chinese text, so it is a reliable discriminator; GB18030 is a superset of GBK and GB2312.
 */
export function decodeText(content: Buffer): { text: string; encoding: TextEncoding } {
  const hasBom = content.length >= 3 && content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf;
  const body = hasBom ? content.subarray(3) : content;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(body, 'gb18030'), encoding: 'gb18030' };
  }
}
