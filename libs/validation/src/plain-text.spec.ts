import { hasUnsafeText, unsafeTextMessage } from './plain-text';

describe('free-text rule', () => {
  it.each([
    ['CR LF (mail header injection)', '中国图书馆学会\r\nBcc: all@example.org'],
    ['a bare LF', '北京\n朝阳'],
    ['TAB', '北京\t朝阳'],
    ['NUL', 'a\u0000b'],
    ['ESC', '\u001b[31m红'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['line separator', 'a\u2028b'],
    ['RLO (U+202E)', '发票\u202E0202'],
    ['LRE (U+202A)', '\u202Aabc'],
    ['PDF (U+202C)', 'abc\u202C'],
    ['LRI/PDI (U+2066, U+2069)', 'x\u2066y\u2069'],
    ['FSI (U+2068)', '\u2068y'],
  ])('refuses %s', (_what, text) => {
    expect(hasUnsafeText(text)).toBe(true);
  });

  it.each(['中国图书馆学会', '北京市海淀区中关村南大街33号（东门）', 'O’Brien & Co. <info@lib.cn>', '👩‍💻 图书馆', '１２３ ＡＢＣ', '第3期·2024年'])('accepts %s', (text) => {
    expect(hasUnsafeText(text)).toBe(false);
  });

  it('names the field in Chinese', () => {
    expect(unsafeTextMessage('发票抬头')).toBe('发票抬头不能包含换行符、控制字符或文字方向控制符');
  });
});
