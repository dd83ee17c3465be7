import { ApiValidationPipe } from '@lsc/service-kit';
import { acceptedUnsafeText, dtoClassesOf, validatorFrom } from '@lsc/testing';
import * as m0 from './applications.controller';
import * as m1 from './dto';
import * as m2 from './fee-views';
import * as m3 from './mailing-address';
import * as m4 from './views';

/**
 * Issue #25 item 11: no field of any membership DTO accepts CR/LF, other control characters or bidi overrides; each is
 * refused with a Chinese message naming the field. Walks every DTO class the http layer exports.
 */
describe('membership DTOs refuse unsafe text in every field', () => {
  const pipe = new ApiValidationPipe();
  const validate = validatorFrom((cls, value) => pipe.transform(value, { type: 'body', metatype: cls }));

  it('walks every DTO and every field', async () => {
    const classes = dtoClassesOf(m0, m1, m2, m3, m4);
    expect(classes.length).toBeGreaterThan(0);
    expect(await acceptedUnsafeText(classes, validate)).toEqual([]);
  });
});
