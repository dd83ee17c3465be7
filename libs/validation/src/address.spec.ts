import { repeatedRegionPrefix, streetAddressProblems } from './address';

const luan = { province: '安徽省', city: '六安市', district: '金安区' };
const beijing = { province: '北京市', city: '北京市', district: '海淀区' };
const guangzhou = { province: '广东省', city: '广州市', district: '越秀区' };
const nanning = { province: '广西壮族自治区', city: '南宁市', district: '青秀区' };

describe('repeatedRegionPrefix', () => {
  it.each([
    ['安徽省六安市金安区梅山路1号', luan, '安徽省'],
    ['六安市金安区梅山路1号', luan, '六安市'],
    ['金安区梅山路1号', luan, '金安区'],
    ['安徽六安梅山路1号', luan, '安徽'],
    ['六安金安区梅山路1号', luan, '六安'],
    ['北京市海淀区中关村南大街33号', beijing, '北京市'],
    ['北京海淀区中关村南大街33号', beijing, '北京'],
    ['广西南宁市民族大道1号', nanning, '广西'],
    ['　安徽省六安市梅山路1号', luan, '安徽省'],
  ])('finds the repetition in %s', (address, region, expected) => {
    expect(repeatedRegionPrefix(address, region)).toBe(expected);
  });

  it.each([
    ['梅山路1号', luan],
    ['中关村南大街33号', beijing],
    ['北京路100号', guangzhou],
    ['六安路1号', luan],
    ['南京路1号', luan],
  ])('accepts %s', (address, region) => {
    expect(repeatedRegionPrefix(address, region)).toBeNull();
  });
});

describe('streetAddressProblems', () => {
  it('accepts a street address', () => {
    expect(streetAddressProblems('梅山路1号', luan)).toEqual([]);
  });

  it('explains what to remove', () => {
    expect(streetAddressProblems('安徽省六安市梅山路1号', luan)).toEqual([
      '详细地址无需再填写省市县，请删去开头的“安徽省”，只填写街道门牌号',
    ]);
  });

  it('accepts 500 characters and rejects 501', () => {
    expect(streetAddressProblems('路'.repeat(500), luan)).toEqual([]);
    expect(streetAddressProblems('路'.repeat(501), luan)).toEqual(['详细地址不能超过500个字']);
  });

  it('rejects an empty address with the given label', () => {
    expect(streetAddressProblems('  ', luan, '收货地址')).toEqual(['收货地址不能为空']);
  });
});
