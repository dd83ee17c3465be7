import { areaList } from '@vant/area-data';
import { resolveRegion, type Region } from '@lsc/validation/region';
import type { RegionNames } from '@lsc/validation/address';

import type { CascaderOption } from 'element-plus';

export interface RegionOption extends CascaderOption {
  value: string;
  label: string;
  children?: RegionOption[];
}

let cached: RegionOption[] | null = null;

/** Province → city → county tree keyed by GB/T 2260 codes (cities and counties are grouped by code prefix). */
export function regionOptions(): RegionOption[] {
  if (cached) return cached;
  const counties = new Map<string, RegionOption[]>();
  for (const [code, label] of Object.entries(areaList.county_list)) {
    const city = code.slice(0, 4);
    const list = counties.get(city) ?? [];
    list.push({ value: code, label });
    counties.set(city, list);
  }
  const cities = new Map<string, RegionOption[]>();
  for (const [code, label] of Object.entries(areaList.city_list)) {
    const children = counties.get(code.slice(0, 4));
    if (!children) continue; // a city with no county in the data cannot be completed, so it is not offered
    const province = code.slice(0, 2);
    const list = cities.get(province) ?? [];
    list.push({ value: code, label, children });
    cities.set(province, list);
  }
  cached = Object.entries(areaList.province_list)
    .map(([value, label]) => ({ value, label, children: cities.get(value.slice(0, 2)) ?? [] }))
    .filter((p) => p.children.length > 0);
  return cached;
}

export function regionOf(codes: readonly string[] | undefined): Region | null {
  if (!codes || codes.length !== 3) return null;
  const r = resolveRegion(codes[0]!, codes[1]!, codes[2]!);
  return r.ok ? r.region : null;
}

/** Names for the 详细地址 rule (no region yet → empty names, so only the length rule applies). */
export function regionNames(codes: readonly string[] | undefined): RegionNames {
  const region = regionOf(codes);
  return region ? { province: region.province.name, city: region.city.name, district: region.district.name } : { province: '', city: '', district: '' };
}
