import { ApiValidationPipe } from '@lsc/service-kit';
import { acceptedUnsafeText, dtoClassesOf, validatorFrom } from '@lsc/testing';
import * as m0 from './dto';
import * as m1 from './fees.controller';
import * as m2 from './reports.controller';
import * as m3 from './transfers.controller';

/**
 * Issue #25 item 11: no field of any billing DTO accepts CR/LF, other control characters or bidi overrides; each is
 * refused with a Chinese message naming the field. Walks every DTO class the http layer exports.
 */
describe('billing DTOs refuse unsafe text in every field', () => {
  const pipe = new ApiValidationPipe();
  const validate = validatorFrom((cls, value) => pipe.transform(value, { type: 'body', metatype: cls }));

  it('walks every DTO and every field', async () => {
    const classes = dtoClassesOf(m0, m1, m2, m3);
    expect(classes.length).toBeGreaterThan(0);
    expect(await acceptedUnsafeText(classes, validate)).toEqual([]);
  });
});
