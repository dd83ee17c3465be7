import { encode } from 'iconv-lite';
import { sampleInvoice } from './invoice.fixture';
import { renderInvoiceXml } from './invoice-xml';
import { checkInvoiceAgainstOrder, InvoiceXmlError, parseUploadedInvoiceXml, type UploadedInvoice } from './uploaded-invoice';

const order = { buyerName: '企业机构测试', creditCode: '91350100M000100Y43', amountFen: 1800000 };

function minimal(parts: { number?: string; total?: string; issue?: string; buyer?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<EInvoice>
  <Header><EIid>${parts.number ?? '26442000000012345678'}</EIid></Header>
  <EInvoiceData>
    <BuyerInformation><BuyerIdNum>91350100m000100y43</BuyerIdNum><BuyerName>${parts.buyer ?? '企业机构测试'}</BuyerName></BuyerInformation>
    <BasicInformation><TotalTax-includedAmount>${parts.total ?? '18000.00'}</TotalTax-includedAmount></BasicInformation>
  </EInvoiceData>
  <TaxSupervisionInfo><InvoiceNumber>${parts.number ?? '26442000000012345678'}</InvoiceNumber><IssueTime>${parts.issue ?? '2026-09-05 14:03:11'}</IssueTime></TaxSupervisionInfo>
</EInvoice>`;
}

function problemsOf(input: Buffer): readonly string[] {
  try {
    parseUploadedInvoiceXml(input);
  } catch (error) {
    if (error instanceof InvoiceXmlError) return error.problems;
    throw error;
  }
  throw new Error('expected InvoiceXmlError');
}

describe('parseUploadedInvoiceXml', () => {
  it('reads back an XML rendered by this system', () => {
    expect(parseUploadedInvoiceXml(Buffer.from(renderInvoiceXml(sampleInvoice())))).toEqual({
      invoiceNumber: '26112000000000000001',
      buyerName: '企业机构测试',
      buyerCreditCode: '91350100M000100Y43',
      totalFen: 1800000,
      issueDate: '2026-09-03',
    });
  });

  it('keeps all 20 digits of the number and normalises the credit code', () => {
    const parsed = parseUploadedInvoiceXml(Buffer.from(minimal()));
    expect(parsed.invoiceNumber).toBe('26442000000012345678');
    expect(parsed.buyerCreditCode).toBe('91350100M000100Y43');
    expect(parsed.issueDate).toBe('2026-09-05');
  });

  it('accepts GBK-encoded files with a BOM-less declaration', () => {
    const gbk = encode(minimal().replace('UTF-8', 'GBK'), 'gbk');
    expect(parseUploadedInvoiceXml(gbk).buyerName).toBe('企业机构测试');
  });

  it('accepts a UTF-8 BOM and a Chinese issue date', () => {
    const parsed = parseUploadedInvoiceXml(Buffer.from(`\uFEFF${minimal({ issue: '2026年9月5日' })}`));
    expect(parsed.issueDate).toBe('2026-09-05');
  });

  it('reports malformed XML with line and column', () => {
    const [problem] = problemsOf(Buffer.from('<EInvoice>\n  <Header><EIid>1</Header>\n</EInvoice>'));
    expect(problem).toMatch(/^XML 格式错误（第 2 行第 \d+ 列）/);
  });

  it('refuses DTDs so entity expansion (billion laughs, XXE) never runs', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><EInvoice><Header><EIid>&lol2;</EIid></Header></EInvoice>`;
    expect(problemsOf(Buffer.from(bomb))).toEqual(['XML 含有 DTD/实体声明（<!DOCTYPE>/<!ENTITY>），出于安全原因拒绝解析']);
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><EInvoice>&xxe;</EInvoice>';
    expect(problemsOf(Buffer.from(xxe))[0]).toContain('DTD');
  });

  it('names the root element problem', () => {
    expect(problemsOf(Buffer.from('<Invoice><A>1</A></Invoice>'))).toEqual(['根元素不是 EInvoice，这不是数电票 XML']);
  });

  it('lists every missing element at once', () => {
    const problems = problemsOf(Buffer.from('<EInvoice><EInvoiceData><BuyerInformation><BuyerName>某馆</BuyerName></BuyerInformation></EInvoiceData></EInvoice>'));
    expect(problems).toEqual([
      '缺少发票号码（TaxSupervisionInfo/InvoiceNumber 或 Header/EIid）',
      '缺少购买方统一社会信用代码（EInvoiceData/BuyerInformation/BuyerIdNum）',
      '缺少价税合计金额（EInvoiceData/BasicInformation/TotalTax-includedAmount）',
      '缺少开票日期（TaxSupervisionInfo/IssueTime 或 EInvoiceData/BasicInformation/RequestTime）',
    ]);
  });

  it.each([
    [{ number: '2644200000001234567' }, '发票号码应为 20 位数字，实际为 "2644200000001234567"'],
    [{ total: '18000.005' }, '价税合计金额格式错误："18000.005"（应为最多两位小数的金额）'],
    [{ total: '壹万捌仟元' }, '价税合计金额格式错误："壹万捌仟元"（应为最多两位小数的金额）'],
    [{ total: '0.00' }, '价税合计金额必须大于 0，实际为 0.00'],
    [{ issue: '2026-02-30 10:00:00' }, '开票日期格式错误："2026-02-30 10:00:00"'],
  ])('rejects %o', (parts, problem) => {
    expect(problemsOf(Buffer.from(minimal(parts)))).toEqual([problem]);
  });

  it('rejects empty, oversized and non-UTF-8 files', () => {
    expect(problemsOf(Buffer.alloc(0))).toEqual(['文件为空']);
    expect(problemsOf(Buffer.alloc(3 * 1024 * 1024, 0x20))[0]).toMatch(/^文件过大/);
    expect(problemsOf(Buffer.from([0x3c, 0x45, 0xff, 0xfe, 0x3e]))[0]).toMatch(/不是有效的 UTF-8/);
  });
});

describe('checkInvoiceAgainstOrder', () => {
  const parsed: UploadedInvoice = { invoiceNumber: '26442000000012345678', buyerName: '企业机构测试', buyerCreditCode: '91350100M000100Y43', totalFen: 1800000, issueDate: '2026-09-05' };

  it('finds nothing when the invoice matches, tolerating full-width and spacing variants', () => {
    expect(checkInvoiceAgainstOrder(parsed, order)).toEqual([]);
    expect(checkInvoiceAgainstOrder({ ...parsed, buyerName: '企业机构测试（北京）' }, { ...order, buyerName: '企业机构测试 (北京)' })).toEqual([]);
  });

  it('reports a mismatching amount in 元', () => {
    expect(checkInvoiceAgainstOrder({ ...parsed, totalFen: 600000 }, order)).toEqual([
      { field: 'totalFen', expected: 1800000, actual: 600000, message: '价税合计不一致：订单应付 18,000.00 元，发票为 6,000.00 元' },
    ]);
  });

  it('reports buyer name and credit code mismatches together', () => {
    const mismatches = checkInvoiceAgainstOrder({ ...parsed, buyerName: '另一机构', buyerCreditCode: '91110000100000000X' }, order);
    expect(mismatches.map((m) => m.field)).toEqual(['buyerName', 'buyerCreditCode']);
    expect(mismatches[0].message).toBe('发票抬头不一致：订单为「企业机构测试」，发票为「另一机构」');
  });
});
