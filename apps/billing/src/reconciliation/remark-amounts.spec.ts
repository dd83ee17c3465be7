import { coreOf } from './normalise';

describe('remark cores drop amounts written out by the payer', () => {
  it('strips amounts in figures and capitals from the remark core', () => {
    expect(coreOf('中瑞华中会费 陆仟元')).toBe('中瑞华中');
    expect(coreOf('壹万捌仟元整 某图书馆 6000元')).toBe('某图书馆');
  });
});
