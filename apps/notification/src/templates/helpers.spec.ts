import { basename, chineseDate, chineseDateTime, fullAddress, portalPage, yuan, yuanInWords } from './helpers';

describe('template helpers', () => {
  it.each([
    [0, '0.00'],
    [7, '0.07'],
    [1800000, '18,000.00'],
    [123456789, '1,234,567.89'],
  ])('yuan(%d) = %s', (fen, text) => {
    expect(yuan(fen)).toBe(text);
  });

  it('rejects non-integer money', () => {
    expect(() => yuan(18000.5)).toThrow(TypeError);
    expect(() => yuan('1800000')).toThrow(TypeError);
  });

  it('writes capital amounts', () => {
    expect(yuanInWords(1800000)).toBe('壹万捌仟元整');
  });

  it('formats dates and Beijing times across midnight UTC', () => {
    expect(chineseDate('2026-09-03')).toBe('2026年9月3日');
    expect(chineseDateTime('2026-12-31T16:30:00.000Z')).toBe('2027年1月1日 00:30');
    expect(() => chineseDate('3/9/2026')).toThrow(TypeError);
    expect(() => chineseDateTime('soon')).toThrow(TypeError);
  });

  it('builds full addresses, skipping a city that repeats the province', () => {
    const region = { provinceCode: '110000', provinceName: '北京市', cityCode: '110100', cityName: '市辖区', districtCode: '110108', districtName: '海淀区' };
    expect(fullAddress({ region, street: '中关村南大街33号', postcode: '100081' })).toBe('北京市海淀区中关村南大街33号');
  });

  it('takes the file name from a document id', () => {
    expect(basename('invoices/2611.pdf')).toBe('2611.pdf');
    expect(basename('plain.xml')).toBe('plain.xml');
  });

  it('portal: pages from the route table under the mail\'s portal address; unknown pages and missing ids are bugs', () => {
    const options = { data: { root: { portalUrl: 'https://member.lsc.org.cn/' } } };
    expect(portalPage('payment', 'a b', options)).toBe('https://member.lsc.org.cn/applications/a%20b/payment');
    expect(portalPage('orders', options)).toBe('https://member.lsc.org.cn/orders');
    expect(portalPage('home', options)).toBe('https://member.lsc.org.cn/');
    expect(() => portalPage('nowhere', options)).toThrow(/unknown page/);
    expect(() => portalPage('application', options)).toThrow(/needs an id/);
  });
});
