import type { FormRules } from 'element-plus';
import { normalizeInput } from '@lsc/validation/normalize';
import type { Profile } from '@/api/identity';
import { institutionNameCheck, landlineCheck, maxCharsCheck, postcodeCheck, regionProblems, requiredCheck, rule, streetCheck, websiteCheck } from './rules';
import { regionNames } from './regions';

/** 单位信息 edit form: the registration fields identity lets the owner change (PATCH /me). */
export interface ProfileModel {
  name: string;
  landline: string;
  fax: string;
  recommendingUnit: string;
  region: string[];
  street: string;
  postcode: string;
  website: string;
  remark: string;
}

export function profileModelOf(p: Profile): ProfileModel {
  return {
    name: p.name,
    landline: p.landline,
    fax: p.fax ?? '',
    recommendingUnit: p.recommendingUnit,
    region: p.region ? [p.region.provinceCode, p.region.cityCode, p.region.districtCode] : [],
    street: p.street,
    postcode: p.postcode,
    website: p.website ?? '',
    remark: p.remark ?? '',
  };
}

export function profileRules(model: ProfileModel): FormRules<ProfileModel> {
  return {
    name: [rule([requiredCheck('机构名称'), institutionNameCheck('机构名称')])],
    landline: [rule([requiredCheck('电话号码'), landlineCheck('电话号码')])],
    fax: [rule([landlineCheck('传真')], { optional: true })],
    recommendingUnit: [rule([requiredCheck('推荐单位')], { trigger: 'change' })],
    region: [{ trigger: 'change', validator: (_r, v: string[], cb) => { const [p] = regionProblems(v); return p ? cb(new Error(p)) : cb(); } }],
    street: [rule([requiredCheck('详细地址'), streetCheck(() => regionNames(model.region), '详细地址')])],
    postcode: [rule([requiredCheck('邮编'), postcodeCheck('邮编')])],
    website: [rule([websiteCheck('机构网址')], { optional: true })],
    remark: [rule([maxCharsCheck(500, '备注')], { optional: true })],
  };
}

/**
 * Only what changed, as PATCH /me wants it: the region as all three codes or none, and '' to clear the optional
 * fax/website/remark.
 */
export function profilePatch(before: ProfileModel, after: ProfileModel): Record<string, string> {
  const patch: Record<string, string> = {};
  for (const key of ['name', 'landline', 'fax', 'recommendingUnit', 'street', 'postcode', 'website', 'remark'] as const) {
    if (normalizeInput(after[key]) !== normalizeInput(before[key])) patch[key] = normalizeInput(after[key]);
  }
  if (after.region.join() !== before.region.join()) {
    const [provinceCode = '', cityCode = '', districtCode = ''] = after.region;
    Object.assign(patch, { provinceCode, cityCode, districtCode });
    // The street is checked against the region it will sit in, so send it along.
    patch.street = normalizeInput(after.street);
  }
  return patch;
}

export const PROFILE_FIELD_MAP: Readonly<Record<string, keyof ProfileModel>> = {
  name: 'name',
  landline: 'landline',
  fax: 'fax',
  recommendingUnit: 'recommendingUnit',
  provinceCode: 'region',
  cityCode: 'region',
  districtCode: 'region',
  street: 'street',
  postcode: 'postcode',
  website: 'website',
  remark: 'remark',
};
