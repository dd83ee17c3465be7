import { resolveRegion } from './region';

describe('resolveRegion', () => {
  it('resolves a prefecture-level city district', () => {
    expect(resolveRegion('340000', '341500', '341502')).toEqual({
      ok: true,
      region: {
        province: { code: '340000', name: '安徽省' },
        city: { code: '341500', name: '六安市' },
        district: { code: '341502', name: '金安区' },
      },
    });
  });

  it('resolves a municipality, whose city level carries the municipality name', () => {
    const result = resolveRegion('110000', '110100', '110108');
    expect(result.ok && result.region.city.name).toBe('北京市');
    expect(result.ok && result.region.district.name).toBe('海淀区');
  });

  it('resolves 重庆 counties under the 县 city entry', () => {
    const result = resolveRegion('500000', '500200', '500229');
    expect(result.ok && result.region.district.name).toBe('城口县');
  });

  it('resolves 嘉峪关, whose only real district is named 市辖区', () => {
    const result = resolveRegion('620000', '620200', '620201');
    expect(result.ok && result.region.district.name).toBe('市辖区');
  });

  it('rejects the guide example 安徽省 六安市 市辖区 with a hint to pick the real district', () => {
    expect(resolveRegion('340000', '341500', '341501')).toEqual({
      ok: false,
      reason: 'placeholder-district',
      message: '所在地区的“市辖区”（341501）不是具体区县，请选择六安市下的具体区/县',
    });
  });

  it('rejects a city from another province', () => {
    expect(resolveRegion('340000', '110100', '110108')).toEqual({
      ok: false,
      reason: 'city-outside-province',
      message: '所在地区的城市 北京市（110100）不属于安徽省',
    });
  });

  it('rejects a district from another city', () => {
    expect(resolveRegion('340000', '341500', '340102')).toMatchObject({
      ok: false,
      reason: 'district-outside-city',
    });
  });

  it.each([
    [['34000', '341500', '341502'], 'malformed-code'],
    [['340000', '341500', '34150A'], 'malformed-code'],
    [['990000', '991500', '991502'], 'unknown-province'],
    [['341500', '341500', '341502'], 'unknown-province'],
    [['340000', '349900', '349901'], 'unknown-city'],
    [['340000', '341500', '341599'], 'unknown-district'],
  ] as const)('rejects %j as %s', ([province, city, district], reason) => {
    const result = resolveRegion(province, city, district);
    expect(result).toMatchObject({ ok: false, reason });
    expect(!result.ok && result.message.startsWith('所在地区')).toBe(true);
  });
});
