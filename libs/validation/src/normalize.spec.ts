import { characterCount, normalizeInput, normalizeInstitutionName } from './normalize';

describe('normalizeInput', () => {
  it('folds full-width digits and letters to half-width', () => {
    expect(normalizeInput('１３８００１３８０００')).toBe('13800138000');
    expect(normalizeInput('ＡＢＣｄｅｆ')).toBe('ABCdef');
  });

  it('trims ASCII and ideographic spaces', () => {
    expect(normalizeInput('\u3000 010-88544588 \t')).toBe('010-88544588');
  });

  it('folds the full-width hyphen used between 区号 and 号码', () => {
    expect(normalizeInput('０１０－８８５４４５８８')).toBe('010-88544588');
  });

  it('leaves ordinary Chinese text unchanged', () => {
    expect(normalizeInput('中国图书馆学会')).toBe('中国图书馆学会');
  });
});

describe('normalizeInstitutionName', () => {
  it('collapses inner whitespace runs to a single space', () => {
    expect(normalizeInstitutionName('  国家图书馆 \u3000  古籍馆 ')).toBe('国家图书馆 古籍馆');
  });

  it('gives the same key for full-width and half-width spellings', () => {
    expect(normalizeInstitutionName('第１图书馆（ＡＢＣ）')).toBe(normalizeInstitutionName('第1图书馆(ABC)'));
  });

  it('keeps different names different', () => {
    expect(normalizeInstitutionName('国家图书馆')).not.toBe(normalizeInstitutionName('国家 图书馆'));
  });
});

describe('characterCount', () => {
  it('counts a character outside the BMP once', () => {
    expect(characterCount('𠀀a')).toBe(2);
    expect('𠀀a'.length).toBe(3);
  });
});
