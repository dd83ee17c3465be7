/** The same limits identity applies to the logo (infra/logo.ts), checked before a 2 MB upload is wasted. */
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
const LOGO_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

export function logoProblem(file: Pick<File, 'size' | 'type'>): string | null {
  if (file.size === 0) return '机构logo文件为空';
  if (file.size > LOGO_MAX_BYTES) return '机构logo不能超过2MB';
  if (!LOGO_TYPES.has(file.type)) return '机构logo须为PNG、JPEG或WebP格式的图片';
  return null;
}
