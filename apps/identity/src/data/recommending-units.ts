/**
 * 推荐单位: the maintained list the registration page offers. 中国图书馆学会 itself plus the library society of every
 * province-level division (GB/T 2260 order). Names follow each society's registered name; when a society renames,
 * edit this file (registrations store the name as chosen, so old accounts are unaffected).
 */
export interface RecommendingUnit {
  /** GB/T 2260 province code; '000000' for the national society. */
  code: string;
  name: string;
}

export const RECOMMENDING_UNITS: readonly RecommendingUnit[] = [
  { code: '000000', name: '中国图书馆学会' },
  { code: '110000', name: '北京市图书馆学会' },
  { code: '120000', name: '天津市图书馆学会' },
  { code: '130000', name: '河北省图书馆学会' },
  { code: '140000', name: '山西省图书馆学会' },
  { code: '150000', name: '内蒙古自治区图书馆学会' },
  { code: '210000', name: '辽宁省图书馆学会' },
  { code: '220000', name: '吉林省图书馆学会' },
  { code: '230000', name: '黑龙江省图书馆学会' },
  { code: '310000', name: '上海市图书馆学会' },
  { code: '320000', name: '江苏省图书馆学会' },
  { code: '330000', name: '浙江省图书馆学会' },
  { code: '340000', name: '安徽省图书馆学会' },
  { code: '350000', name: '福建省图书馆学会' },
  { code: '360000', name: '江西省图书馆学会' },
  { code: '370000', name: '山东省图书馆学会' },
  { code: '410000', name: '河南省图书馆学会' },
  { code: '420000', name: '湖北省图书馆学会' },
  { code: '430000', name: '湖南省图书馆学会' },
  { code: '440000', name: '广东图书馆学会' },
  { code: '450000', name: '广西图书馆学会' },
  { code: '460000', name: '海南省图书馆学会' },
  { code: '500000', name: '重庆市图书馆学会' },
  { code: '510000', name: '四川省图书馆学会' },
  { code: '520000', name: '贵州省图书馆学会' },
  { code: '530000', name: '云南省图书馆学会' },
  { code: '540000', name: '西藏自治区图书馆学会' },
  { code: '610000', name: '陕西省图书馆学会' },
  { code: '620000', name: '甘肃省图书馆学会' },
  { code: '630000', name: '青海省图书馆学会' },
  { code: '640000', name: '宁夏图书馆学会' },
  { code: '650000', name: '新疆图书馆学会' },
];

const NAMES: ReadonlySet<string> = new Set(RECOMMENDING_UNITS.map((u) => u.name));

export const isRecommendingUnit = (name: string): boolean => NAMES.has(name);
