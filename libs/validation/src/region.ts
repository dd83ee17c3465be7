import { areaList } from '@vant/area-data';

export interface RegionPart {
  readonly code: string;
  readonly name: string;
}

/** Codes change with each GB/T 2260 edition, so callers store both code and name. */
export interface Region {
  readonly province: RegionPart;
  readonly city: RegionPart;
  readonly district: RegionPart;
}

export type RegionErrorReason =
  | 'malformed-code'
  | 'unknown-province'
  | 'unknown-city'
  | 'city-outside-province'
  | 'unknown-district'
  | 'district-outside-city'
  | 'placeholder-district';

export type RegionResolution =
  | { readonly ok: true; readonly region: Region }
  | { readonly ok: false; readonly reason: RegionErrorReason; readonly message: string };

const SIX_DIGITS = /^\d{6}$/;

function failure(reason: RegionErrorReason, message: string): RegionResolution {
  return { ok: false, reason, message: `所在地区${message}` };
}

/**
 * Validates the 省/市/区县 triple chosen in the picker against @vant/area-data (the picker's own data).
 *
 * GB/T 2260 lists a "市辖区" grouping code (XXXX01, e.g. 341501 六安市市辖区) under most prefecture cities;
 * it is not a real district and the data package omits it, so a triple like the guide's
 * 安徽省 六安市 市辖区 is rejected with a message asking for the actual district. Where a city's real
 * district is named 市辖区 (嘉峪关市, 620201) the data contains it and it resolves normally.
 */
export function resolveRegion(provinceCode: string, cityCode: string, districtCode: string): RegionResolution {
  if (![provinceCode, cityCode, districtCode].every((code) => SIX_DIGITS.test(code))) {
    return failure('malformed-code', '代码须为6位数字');
  }
  const provinceName = areaList.province_list[provinceCode];
  if (provinceName === undefined || !provinceCode.endsWith('0000')) {
    return failure('unknown-province', `的省份代码 ${provinceCode} 不存在`);
  }
  const cityName = areaList.city_list[cityCode];
  if (cityName === undefined) {
    return failure('unknown-city', `的城市代码 ${cityCode} 不存在`);
  }
  if (cityCode.slice(0, 2) !== provinceCode.slice(0, 2)) {
    return failure('city-outside-province', `的城市 ${cityName}（${cityCode}）不属于${provinceName}`);
  }
  const districtName = areaList.county_list[districtCode];
  if (districtName === undefined) {
    if (districtCode.slice(0, 4) === cityCode.slice(0, 4) && districtCode.endsWith('01')) {
      return failure('placeholder-district', `的“市辖区”（${districtCode}）不是具体区县，请选择${cityName}下的具体区/县`);
    }
    return failure('unknown-district', `的区/县代码 ${districtCode} 不存在`);
  }
  if (districtCode.slice(0, 4) !== cityCode.slice(0, 4)) {
    return failure('district-outside-city', `的区/县 ${districtName}（${districtCode}）不属于${cityName}`);
  }
  return {
    ok: true,
    region: {
      province: { code: provinceCode, name: provinceName },
      city: { code: cityCode, name: cityName },
      district: { code: districtCode, name: districtName },
    },
  };
}
