import { isCnPostcode } from './postcode';

describe('isCnPostcode', () => {
  it.each(['100081', '710061', '237000', '065000', '999077', '８３００００'])('accepts %s', (input) => {
    expect(isCnPostcode(input)).toBe(true);
  });

  it.each([
    ['71006', 'five digits'],
    ['7100611', 'seven digits'],
    ['710061 5K', 'trailing junk (guide screenshot value)'],
    ['71006A', 'letter'],
    ['140000', 'unallocated prefix 14'],
    ['500000', 'unallocated prefix 50'],
    ['000000', 'unallocated prefix 00'],
    ['950000', 'unallocated prefix 95'],
    ['', 'empty'],
  ])('rejects %s (%s)', (input) => {
    expect(isCnPostcode(input)).toBe(false);
  });
});
