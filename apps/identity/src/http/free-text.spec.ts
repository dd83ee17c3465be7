import { acceptedUnsafeText, dtoClassesOf, validatorFrom } from '@lsc/testing';
import * as locks from './account-locks.controller';
import * as me from './me.controller';
import * as profile from './profile.dto';
import * as publicRoutes from './public.controller';
import * as registration from './registration.dto';
import * as sessionsController from './sessions.controller';
import * as sessions from './sessions.dto';
import * as staff from './staff-accounts.controller';
import { validateBody } from './validate';

/**
 * Issue #25 item 11: no field of any identity DTO accepts CR/LF, other control characters or bidi overrides; each is
 * refused with a Chinese message naming the field. Walks every DTO class the http layer exports, through validateBody
 * (the path identity's controllers take, multipart and JSON alike).
 */
describe('identity DTOs refuse unsafe text in every field', () => {
  const validate = validatorFrom((cls, value) => validateBody(cls, value));

  it('walks every DTO and every field', async () => {
    const classes = dtoClassesOf(locks, me, profile, publicRoutes, registration, sessionsController, sessions, staff);
    expect(classes.length).toBeGreaterThan(5);
    expect(await acceptedUnsafeText(classes, validate)).toEqual([]);
  });

  it('names the field once, in Chinese, alongside the other fields’ problems', async () => {
    const problems = await validate(profile.UpdateProfileDto, { street: '北京路1号\r\nBcc: all@example.org', remark: '备注\u202E' });
    expect(problems.filter((p) => p.field === 'remark')).toEqual([{ field: 'remark', rule: 'plainText', message: '备注不能包含换行符、控制字符或文字方向控制符' }]);
    expect(problems.filter((p) => p.field === 'street')).toHaveLength(1);
  });
});
