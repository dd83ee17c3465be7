import { describe, expect, it } from 'vitest';
import { describeHistoryEntry } from './history';

describe('event history as a Chinese timeline', () => {
  const entries = [
    { type: 'ApplicationStarted', data: { kind: 'new', qualification: { code: 'enterprise', name: '企业会员' }, staffTier: { code: '1-30', name: '1-30人' }, years: 3, quote: { amountDueFen: 1_800_000 } } },
    { type: 'ApplicationSubmitted', data: { invoiceTitle: '某某公司', mailingAddress: { recipient: '张明远', region: { provinceName: '北京市', cityName: '北京市', districtName: '海淀区' }, street: '中关村南大街5号' } } },
    { type: 'PaymentOrderRecorded', data: { orderId: '5b1c…', amountDueFen: 1_800_000, transferRemark: '某某公司+会费' } },
    { type: 'ApplicationPaid', data: { orderId: 'x', paidOn: '2026-12-07' } },
    { type: 'MembershipActivated', data: { kind: 'new', memberNumber: 'DW2026-0001', validFrom: '2026-12-07', validTo: '2028-12-31' } },
    { type: 'CertificateMailed', data: { carrier: '中国邮政EMS', trackingNumber: 'EMS123CN' } },
    { type: 'SomethingNew', data: { secret: 'id-123' } },
  ];

  it('says what happened in words, with the figures that matter', () => {
    const items = entries.map(describeHistoryEntry);
    expect(items.map((i) => i.title)).toEqual(['提交会员申请', '确认申请信息与寄送地址', '生成缴费单', '会费到账', '会员资格生效', '会员证书已寄出', '其他记录']);
    expect(items[0]!.detail).toBe('企业会员，1-30人，3年，应付金额 18000元');
    expect(items[1]!.detail).toContain('北京市北京市海淀区中关村南大街5号');
    expect(items[3]!.detail).toBe('到账日期 2026年12月7日');
    expect(items[4]!.detail).toBe('会员号 DW2026-0001，有效期 2026年12月7日 至 2028年12月31日');
    expect(items[5]!.detail).toBe('中国邮政EMS，运单号 EMS123CN');
  });

  it('never shows an event type name or an id', () => {
    for (const item of entries.map(describeHistoryEntry)) {
      const text = `${item.title} ${item.detail}`;
      expect(text).not.toMatch(/[A-Z][a-z]+[A-Z]|orderId|5b1c|id-123/);
    }
  });

  it('survives missing data', () => {
    expect(describeHistoryEntry({ type: 'MembershipActivated', data: null })).toEqual({ title: '会员资格生效', detail: '', tone: 'success' });
  });
});
