import { breachedPasswords, STAFF_PASSWORD_MAX_LENGTH, staffPasswordProblems } from './staff-password-policy';

describe('staff password policy', () => {
  it('loads the breached-password list of ten thousand entries once', () => {
    const list = breachedPasswords();
    expect(list.size).toBeGreaterThan(9000);
    expect(list.has('password')).toBe(true);
    expect(list.has('trustno1')).toBe(true);
    expect(breachedPasswords()).toBe(list);
  });

  it('asks for at least 12 characters, counting characters rather than bytes', () => {
    expect(staffPasswordProblems('Xq7#mZ2!kL9')).toEqual(['密码长度须为12-128个字符（可使用空格、中文和任意符号，建议用一句好记的话）']);
    expect(staffPasswordProblems('Xq7#mZ2!kL9w')).toEqual([]);
    // Six Chinese characters are 18 bytes in UTF-8 but only 6 characters.
    expect(staffPasswordProblems('书山有路勤为')[0]).toMatch(/长度须为12-128个字符/);
  });

  it('allows long passphrases with spaces and Unicode, up to 128 characters', () => {
    expect(staffPasswordProblems('correct horse battery staple')).toEqual([]);
    expect(staffPasswordProblems('书山有路勤为径，学海无涯苦作舟')).toEqual([]);
    expect(staffPasswordProblems('我的 Library 卡号是 ПАРОЛЬ ★ 2026')).toEqual([]);
    expect(staffPasswordProblems('a sentence long enough to pass '.repeat(2).slice(0, 64))).toEqual([]);
    const long = Array.from({ length: STAFF_PASSWORD_MAX_LENGTH }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 37) % 2000))).join('');
    expect(staffPasswordProblems(long)).toEqual([]);
    expect(staffPasswordProblems(`${long}多`)[0]).toMatch(/长度/);
  });

  it('refuses common and breached passwords, also when padded with digits, symbols or spaces or typed in capitals', () => {
    for (const pw of ['password1234', 'Password2024!', '!!!Sunshine!!!!', 'dragon 123456789', 'TRUSTNO1TRUSTNO1', '1qaz2wsx3edc', 'woaini1314520']) {
      const problems = staffPasswordProblems(pw, { label: '新密码' });
      expect({ pw, problems }).toEqual({ pw, problems: [expect.stringMatching(/^新密码是常见或已泄露的密码/)] });
    }
  });

  it('refuses repetitions, control characters and the login name', () => {
    expect(staffPasswordProblems('aaaaaaaaaaaaaa')).toEqual(['密码由重复或连续的字符组成（如 aaaa、123456789012），容易被猜中，请换一个']);
    expect(staffPasswordProblems('abcdabcdabcdabcd')).toEqual(['密码由重复或连续的字符组成（如 aaaa、123456789012），容易被猜中，请换一个']);
    expect(staffPasswordProblems('123456789012')).toEqual(['密码由重复或连续的字符组成（如 aaaa、123456789012），容易被猜中，请换一个']);
    expect(staffPasswordProblems('zyxwvutsrqponm')).toHaveLength(1);
    expect(staffPasswordProblems('line one\nline two')).toEqual(['密码不能包含换行、制表符等控制字符或不可见的方向控制符']);
    expect(staffPasswordProblems('safe\u202epassword here')).toContain('密码不能包含换行、制表符等控制字符或不可见的方向控制符');
    expect(staffPasswordProblems('my name is finance_li ok', { username: 'finance_li' })).toEqual(['密码不能包含登录名']);
  });
});
