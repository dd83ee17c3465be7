import { coreOf } from './normalise';
import { nameSimilarity } from './similarity';

describe('coreOf', () => {
  it.each([
    ['北京市朝阳区图书馆交纳中图学会会费', '北京市朝阳区图书馆'],
    ['湖北省图书馆+2026会费+13912345678', '湖北省图书馆'],
    ['湖北省圖書館２０２６年會費', '湖北省图书馆'],
    ['上海市徐汇区图书馆　2026年度单位会费（联系电话010-88544588）', '上海市徐汇区图书馆联系电话'],
  ])('%s → %s', (input, expected) => {
    expect(coreOf(input)).toBe(expected);
  });
});

describe('nameSimilarity', () => {
  it('is 1 for equal strings and 0 for empty ones', () => {
    expect(nameSimilarity('北京大学图书馆', '北京大学图书馆')).toBe(1);
    expect(nameSimilarity('', '北京大学图书馆')).toBe(0);
  });

  it('separates near-identical institution names', () => {
    const exact = nameSimilarity('北京市朝阳区图书馆', '北京市朝阳区图书馆');
    const lookAlike = nameSimilarity('北京市朝阳区图书馆', '北京市朝阳区少儿图书馆');
    expect(lookAlike).toBeLessThan(0.85);
    expect(exact - lookAlike).toBeGreaterThan(0.15);
  });

  it('rewards the full name inside a longer remark over a shorter name inside it', () => {
    const remark = '北京大学医学图书馆张老师';
    expect(nameSimilarity(remark, '北京大学医学图书馆')).toBeGreaterThan(nameSimilarity(remark, '北京大学图书馆'));
    expect(nameSimilarity(remark, '北京大学医学图书馆')).toBeGreaterThan(0.9);
  });
});
