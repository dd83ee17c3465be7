import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decode } from 'iconv-lite';
import { isInvoiceNumber } from './invoice-number';
import { formatYuan, parseYuanToFen } from './money';

/** Key facts of a 数电票 XML issued outside this system (uploaded by finance). */
export interface UploadedInvoice {
  readonly invoiceNumber: string;
  readonly buyerName: string;
  readonly buyerCreditCode: string;
  readonly totalFen: number;
  /** YYYY-MM-DD as printed on the invoice (Asia/Shanghai). */
  readonly issueDate: string;
}

export class InvoiceXmlError extends Error {
  override readonly name = 'InvoiceXmlError';
  constructor(readonly problems: readonly string[]) {
    super(`发票 XML 无法识别：${problems.join('；')}`);
  }
}

export const MAX_INVOICE_XML_BYTES = 2 * 1024 * 1024;

/** Values stay strings: a 20-digit invoice number would lose digits as a JS number. Entities are off: no expansion bombs. */
const parser = new XMLParser({ parseTagValue: false, parseAttributeValue: false, ignoreAttributes: true, processEntities: false, htmlEntities: false, trimValues: true });

function decodeXml(buffer: Buffer): string {
  const head = buffer.subarray(0, 200).toString('latin1');
  const encoding = /^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9_-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (encoding && /^(gbk|gb2312|gb18030)$/.test(encoding)) return decode(buffer, 'gb18030');
  if (encoding && !/^utf-?8$/.test(encoding)) throw new InvoiceXmlError([`不支持的字符编码 ${encoding}，请上传 UTF-8 或 GBK 编码的 XML`]);
  const text = buffer.toString('utf8');
  if (text.includes('\uFFFD')) throw new InvoiceXmlError(['文件不是有效的 UTF-8 文本，请确认上传的是数电票 XML 原件']);
  return text.replace(/^\uFEFF/, '');
}

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a text leaf at `path`; the first element wins where an element repeats. */
function leaf(root: Node, path: readonly string[]): string | undefined {
  let current: unknown = root;
  for (const name of path) {
    if (Array.isArray(current)) current = current[0];
    if (!isNode(current)) return undefined;
    current = current[name];
  }
  if (Array.isArray(current)) current = current[0];
  if (typeof current === 'string' && current !== '') return current;
  if (isNode(current) && typeof current['#text'] === 'string') return current['#text'];
  return undefined;
}

const DATE = /^(\d{4})[-年/](\d{1,2})[-月/](\d{1,2})/;

function parseIssueDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function required(root: Node, problems: string[], label: string, ...paths: (readonly string[])[]): string {
  for (const path of paths) {
    const value = leaf(root, path);
    if (value !== undefined) return value.trim();
  }
  problems.push(`缺少${label}（${paths.map((p) => p.join('/')).join(' 或 ')}）`);
  return '';
}

export function parseUploadedInvoiceXml(buffer: Buffer): UploadedInvoice {
  if (buffer.length === 0) throw new InvoiceXmlError(['文件为空']);
  if (buffer.length > MAX_INVOICE_XML_BYTES) throw new InvoiceXmlError([`文件过大（${buffer.length} 字节，上限 ${MAX_INVOICE_XML_BYTES} 字节）`]);
  const xml = decodeXml(buffer);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new InvoiceXmlError(['XML 含有 DTD/实体声明（<!DOCTYPE>/<!ENTITY>），出于安全原因拒绝解析']);
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    throw new InvoiceXmlError([`XML 格式错误（第 ${line} 行第 ${col} 列）：${msg}`]);
  }
  const doc: unknown = parser.parse(xml);
  const root = isNode(doc) ? doc.EInvoice : undefined;
  if (!isNode(root)) throw new InvoiceXmlError(['根元素不是 EInvoice，这不是数电票 XML']);

  const problems: string[] = [];
  const invoiceNumber = required(root, problems, '发票号码', ['TaxSupervisionInfo', 'InvoiceNumber'], ['Header', 'EIid']);
  const buyerName = required(root, problems, '购买方名称', ['EInvoiceData', 'BuyerInformation', 'BuyerName']);
  const buyerCreditCode = required(root, problems, '购买方统一社会信用代码', ['EInvoiceData', 'BuyerInformation', 'BuyerIdNum']).toUpperCase();
  const totalText = required(root, problems, '价税合计金额', ['EInvoiceData', 'BasicInformation', 'TotalTax-includedAmount']);
  const issueText = required(root, problems, '开票日期', ['TaxSupervisionInfo', 'IssueTime'], ['EInvoiceData', 'BasicInformation', 'RequestTime']);

  if (invoiceNumber && !isInvoiceNumber(invoiceNumber)) problems.push(`发票号码应为 20 位数字，实际为 "${invoiceNumber}"`);
  const totalFen = totalText ? parseYuanToFen(totalText) : null;
  if (totalText && totalFen === null) problems.push(`价税合计金额格式错误："${totalText}"（应为最多两位小数的金额）`);
  if (totalFen !== null && totalFen <= 0) problems.push(`价税合计金额必须大于 0，实际为 ${totalText}`);
  const issueDate = issueText ? parseIssueDate(issueText) : null;
  if (issueText && issueDate === null) problems.push(`开票日期格式错误："${issueText}"`);
  if (problems.length > 0 || totalFen === null || issueDate === null) throw new InvoiceXmlError(problems);
  return { invoiceNumber, buyerName, buyerCreditCode, totalFen, issueDate };
}

export interface InvoiceMismatch {
  readonly field: 'buyerName' | 'buyerCreditCode' | 'totalFen';
  readonly expected: string | number;
  readonly actual: string | number;
  readonly message: string;
}

/** Full-width brackets and stray spaces are typing variants of the same 发票抬头, not a different buyer. */
function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

function yuan(fen: number): string {
  return `${formatYuan(fen, true)} 元`;
}

export function checkInvoiceAgainstOrder(parsed: UploadedInvoice, order: { buyerName: string; creditCode: string; amountFen: number }): InvoiceMismatch[] {
  const mismatches: InvoiceMismatch[] = [];
  if (normaliseName(parsed.buyerName) !== normaliseName(order.buyerName)) {
    mismatches.push({ field: 'buyerName', expected: order.buyerName, actual: parsed.buyerName, message: `发票抬头不一致：订单为「${order.buyerName}」，发票为「${parsed.buyerName}」` });
  }
  if (parsed.buyerCreditCode.toUpperCase() !== order.creditCode.toUpperCase()) {
    mismatches.push({ field: 'buyerCreditCode', expected: order.creditCode, actual: parsed.buyerCreditCode, message: `统一社会信用代码不一致：订单为 ${order.creditCode}，发票为 ${parsed.buyerCreditCode}` });
  }
  if (parsed.totalFen !== order.amountFen) {
    mismatches.push({ field: 'totalFen', expected: order.amountFen, actual: parsed.totalFen, message: `价税合计不一致：订单应付 ${yuan(order.amountFen)}，发票为 ${yuan(parsed.totalFen)}` });
  }
  return mismatches;
}
