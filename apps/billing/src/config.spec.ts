import { validateCreditCode } from '@lsc/validation';
import { ConfigError } from '@lsc/service-kit';
import { loadBillingConfig } from './config';
import { createInvoiceIssuer } from './invoices/issuer-selection';
import { BuiltInInvoiceIssuer } from './invoices/invoice-issuer';

const problemsOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadBillingConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('billing configuration: what the invoice prints is checked at start-up', () => {
  it('defaults to a seller credit code that passes its own check character', () => {
    const config = loadBillingConfig({});
    expect(config.SELLER_CREDIT_CODE).toBe('51100000500000138Q');
    expect(validateCreditCode(config.SELLER_CREDIT_CODE)).toEqual({ ok: true, code: '51100000500000138Q' });
    expect(config.INVOICE_DRAWER).not.toMatch(/部$/);
    expect(config.INVOICE_TAX_CLASSIFICATION_CODE).toMatch(/^\d{19}$/);
    expect(config.INVOICE_ISSUER).toBe('local');
    expect(config.INVOICE_DEMO).toBe(true);
  });

  it('refuses the old seller code 51100000500000138A (its check character would be Q) with a message naming the setting', () => {
    const message = problemsOf({ SELLER_CREDIT_CODE: '51100000500000138A' });
    expect(message).toContain('SELLER_CREDIT_CODE');
    expect(message).toContain('校验位不正确');
    expect(problemsOf({ SELLER_CREDIT_CODE: '5110000050000013' })).toContain('须为18位');
  });

  it.each(['财务部', '财务处', '学会办公室', '财务', '李会计'])('refuses a department or a role as 开票人: %s', (drawer) => {
    expect(problemsOf({ INVOICE_DRAWER: drawer })).toContain('INVOICE_DRAWER（开票人）须为开票人员的姓名');
  });

  it.each(['王立新', '欧阳明', '阿依古丽·买买提', 'Li Ming'])('accepts a person as 开票人: %s', (drawer) => {
    expect(loadBillingConfig({ INVOICE_DRAWER: drawer }).INVOICE_DRAWER).toBe(drawer);
  });

  it('checks the tax classification code, the payee account and the issuer choice', () => {
    expect(problemsOf({ INVOICE_TAX_CLASSIFICATION_CODE: '30799' })).toContain('税收分类编码）须为 19 位数字');
    expect(problemsOf({ INVOICE_TAX_CLASSIFICATION_NAME: 'service' })).toContain('税收分类简称');
    expect(problemsOf({ PAYEE_ACCOUNT_NUMBER: '2000-0006' })).toContain('PAYEE_ACCOUNT_NUMBER（收款账号）');
    expect(problemsOf({ INVOICE_ISSUER: 'tax-platform' })).toContain('税务平台接口尚未接入');
    expect(problemsOf({ INVOICE_DEMO: 'perhaps' })).toContain('INVOICE_DEMO');
    expect(loadBillingConfig({ INVOICE_DEMO: 'false' }).INVOICE_DEMO).toBe(false);
  });

  it('INVOICE_ISSUER=local selects the built-in issuer', () => {
    expect(createInvoiceIssuer(loadBillingConfig({ INVOICE_ISSUER: 'local' }))).toBeInstanceOf(BuiltInInvoiceIssuer);
  });
});

describe('billing configuration: FOUR_EYES_FEN (双人复核)', () => {
  it('is unset by default, read as whole fen when set, and refused when not a positive whole number', () => {
    expect(loadBillingConfig({}).FOUR_EYES_FEN).toBeUndefined();
    expect(loadBillingConfig({ FOUR_EYES_FEN: '' }).FOUR_EYES_FEN).toBeUndefined();
    expect(loadBillingConfig({ FOUR_EYES_FEN: '1000000' }).FOUR_EYES_FEN).toBe(1_000_000);
    expect(() => loadBillingConfig({ FOUR_EYES_FEN: '10000.00' })).toThrow(/FOUR_EYES_FEN must be a whole number of fen/);
    expect(() => loadBillingConfig({ FOUR_EYES_FEN: '0' })).toThrow(/FOUR_EYES_FEN/);
  });
});
