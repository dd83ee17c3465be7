import { ApiError, NetworkError, RateLimitedError } from './errors';
import { failureMessage, fieldErrors, toFailure } from './failures';

describe('failures as the user sees them', () => {
  it('places server problems on the fields they name, the rest on top', () => {
    const f = toFailure(new ApiError(400, 'VALIDATION_FAILED', '请求参数不正确', [
      { field: 'region.districtCode', rule: 'isRegionTriple', message: '收货地址的区/县代码 341501 不存在' },
      { field: 'creditCode', rule: 'isCreditCode', message: '统一社会信用代码校验位不正确，请核对是否有输错的字符' },
      { field: 'quote', rule: 'x', message: '缺少会费报价，请重新获取报价' },
    ]));
    expect(fieldErrors(f, { 'region.districtCode': 'region', creditCode: 'creditCode' })).toEqual({
      byProp: { region: '收货地址的区/县代码 341501 不存在', creditCode: '统一社会信用代码校验位不正确，请核对是否有输错的字符' },
      rest: ['缺少会费报价，请重新获取报价'],
    });
  });

  it('a network error or a 429 gives a retry hint, a 5xx says the input is kept', () => {
    expect(failureMessage(toFailure(new NetworkError(new TypeError('fetch failed'))))).toBe('网络连接失败，请检查网络后重试');
    expect(failureMessage(toFailure(new RateLimitedError('TOO_MANY_REQUESTS', '请求过于频繁', 30)))).toBe('请求过于频繁，请30秒后重试');
    expect(failureMessage(toFailure(new RateLimitedError('SMS_RATE_LIMITED', '发送过于频繁，请57秒后再试', 57)))).toBe('发送过于频繁，请57秒后再试');
    expect(failureMessage(toFailure(new ApiError(503, 'UNAVAILABLE', '服务暂不可用')))).toBe('服务暂时不可用，请稍后重试（您填写的内容已保留）');
  });
});
