import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { ApiError } from './errors';
import { ApiValidationPipe } from './validation-pipe';

class CancellationLike {
  @IsString({ message: '请填写取消原因' })
  @Length(1, 500, { message: '取消原因不能为空且不能超过500个字符' })
  reason!: string;
}

class BareRules {
  @IsString() @Length(1, 50) qualificationCode!: string;
  @Type(() => Number) @IsInt({ message: '资格期限须为整数年' }) @Min(1, { message: '资格期限至少1年' }) @Max(5, { message: '资格期限最多5年' }) years!: number;
  @IsOptional() @IsInt() @Max(500) frobnicate?: number;
}

class SharedMessage {
  @IsString({ message: '校验码不能为空' }) captchaId!: string;
  @IsString({ message: '校验码不能为空' }) captchaAnswer!: string;
}

class AddressLike {
  @IsString() @Length(1, 50) recipient!: string;
  @IsString() @Length(1, 200) street!: string;
}

class OrderLike {
  @ValidateNested() @Type(() => AddressLike) address!: AddressLike;
  @IsArray() @IsString({ each: true }) tags!: string[];
  @Type(() => Number) @IsInt({ message: '资格期限须为整数年' }) years!: number;
}

async function refusal(metatype: new () => object, value: unknown, type: 'body' | 'query' = 'body') {
  const error = await new ApiValidationPipe().transform(value, { type, metatype }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return (error as ApiError).getResponse() as { code: string; message: string; details: Array<{ field: string; rule: string; message: string }> };
}

describe('ApiValidationPipe: Chinese, one problem per fault, naming the field', () => {
  it('names an unknown query parameter in Chinese (not "property q should not exist")', async () => {
    const body = await refusal(CancellationLike, { reason: '不再需要', q: 'x' }, 'query');
    expect(body).toEqual({ code: 'VALIDATION_FAILED', message: '请求参数有误：不支持的查询参数：q', details: [{ field: 'q', rule: 'whitelistValidation', message: '不支持的查询参数：q' }] });
    expect((await refusal(CancellationLike, { reason: '不再需要', q: '' }, 'query')).details).toEqual([{ field: 'q', rule: 'whitelistValidation', message: '不支持的查询参数：q' }]);
    expect((await refusal(CancellationLike, { reason: '不再需要', extra: 1 })).details).toEqual([{ field: 'extra', rule: 'whitelistValidation', message: '不支持的字段：extra' }]);
  });

  it('says an absent value once, in the DTO\'s own words (not "取消原因…；请填写取消原因")', async () => {
    for (const value of [{}, { reason: null }]) {
      const body = await refusal(CancellationLike, value);
      expect(body.details).toEqual([{ field: 'reason', rule: 'isString', message: '请填写取消原因' }]);
      expect(body.message).toBe('请求参数有误：请填写取消原因');
    }
    expect((await refusal(CancellationLike, { reason: '' })).details).toEqual([{ field: 'reason', rule: 'isLength', message: '取消原因不能为空且不能超过500个字符' }]);
    expect((await refusal(CancellationLike, { reason: '长'.repeat(501) })).details).toEqual([{ field: 'reason', rule: 'isLength', message: '取消原因不能为空且不能超过500个字符' }]);
  });

  it('says a value of the wrong kind is of the wrong kind, not also every range it misses', async () => {
    const body = await refusal(BareRules, { qualificationCode: 'A', years: 'abc' });
    expect(body.details).toEqual([{ field: 'years', rule: 'isInt', message: '资格期限须为整数年' }]);
    expect((await refusal(BareRules, { qualificationCode: 'A', years: '9' })).details).toEqual([{ field: 'years', rule: 'max', message: '资格期限最多5年' }]);
  });

  it('words rules declared without a message in Chinese, with their arguments and the field\'s label', async () => {
    expect((await refusal(BareRules, { years: 1 })).details).toEqual([{ field: 'qualificationCode', rule: 'isLength', message: '会员资格代码不能为空' }]);
    expect((await refusal(BareRules, { qualificationCode: 7, years: 1 })).details).toEqual([{ field: 'qualificationCode', rule: 'isString', message: '会员资格代码须为文本' }]);
    expect((await refusal(BareRules, { qualificationCode: 'x'.repeat(51), years: 1 })).details).toEqual([{ field: 'qualificationCode', rule: 'isLength', message: '会员资格代码长度须为1至50个字符' }]);
    expect((await refusal(BareRules, { qualificationCode: 'A', years: 1, frobnicate: 'x' })).details).toEqual([{ field: 'frobnicate', rule: 'isInt', message: '字段“frobnicate”须为整数' }]);
    expect((await refusal(BareRules, { qualificationCode: 'A', years: 1, frobnicate: 501 })).details).toEqual([{ field: 'frobnicate', rule: 'max', message: '字段“frobnicate”不能大于500' }]);
  });

  it('says a message two fields share once in the summary', async () => {
    const body = await refusal(SharedMessage, {});
    expect(body.details).toHaveLength(2);
    expect(body.message).toBe('请求参数有误：校验码不能为空');
  });
});

class OneBareRule {
  @IsString() note!: string;
}

describe('ApiValidationPipe: an absent value with only an English rule', () => {
  it('reads "X不能为空", not "X须为文本"', async () => {
    expect((await refusal(OneBareRule, {})).details).toEqual([{ field: 'note', rule: 'isString', message: '字段“note”不能为空' }]);
    expect((await refusal(OneBareRule, { note: 5 })).details).toEqual([{ field: 'note', rule: 'isString', message: '字段“note”须为文本' }]);
  });

  // Issue #25 item 11: every string a DTO carries, nested and listed ones included, is held to the free-text rule.
  it('refuses CR/LF, control characters and bidi overrides in every string field, once per field, beside other faults', async () => {
    const order = { address: { recipient: '张三\r\nBcc: all@example.org', street: '北京路\u202E1号' }, tags: ['ok', 'a\u0000b', 'c\u2066'], years: 'x' };
    expect((await refusal(OrderLike, order)).details).toEqual([
      { field: 'years', rule: 'isInt', message: '资格期限须为整数年' },
      { field: 'address.recipient', rule: 'plainText', message: '字段“address”的签收人不能包含换行符、控制字符或文字方向控制符' },
      { field: 'address.street', rule: 'plainText', message: '字段“address”的详细地址不能包含换行符、控制字符或文字方向控制符' },
      { field: 'tags', rule: 'plainText', message: expect.stringMatching(/不能包含换行符、控制字符或文字方向控制符$/) },
    ]);
    const valid = { address: { recipient: '张三', street: '北京路1号' }, tags: ['ok'], years: '2' };
    await expect(new ApiValidationPipe().transform(valid, { type: 'body', metatype: OrderLike })).resolves.toMatchObject({ years: 2 });
  });

  it('passes an undeclared @Query() through untouched: Fastify\'s query object has no prototype to read rules from', async () => {
    const query = Object.assign(Object.create(null) as Record<string, string>, { purpose: 'login' });
    await expect(new ApiValidationPipe().transform(query, { type: 'query', metatype: Object })).resolves.toBe(query);
  });
});
