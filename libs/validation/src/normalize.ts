/**
 * Users type on Chinese IMEs, which often produce full-width digits, letters and spaces
 * (１３８…, ＡＢＣ, "　"). NFKC folds them to their ASCII forms so every later rule sees one spelling.
 */
export function normalizeInput(value: string): string {
  return value.normalize('NFKC').trim();
}

/** Length as a person counts it: one per character, even outside the BMP (not UTF-16 code units). */
export function characterCount(value: string): number {
  return [...value].length;
}

/**
 * The key under which institution names must be unique: two registrations that differ only in
 * full-width forms or in how many spaces they typed are the same institution.
 */
export function normalizeInstitutionName(name: string): string {
  return normalizeInput(name).replace(/\s+/gu, ' ');
}
