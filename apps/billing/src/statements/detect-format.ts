import { StatementFormat, StatementFormatError } from './types';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

const startsWith = (content: Buffer, magic: number[]): boolean => magic.every((byte, i) => content[i] === byte);

/** Decides by content, not by file name: banks happily name GBK CSVs ".xls". `text` is the decoded content. */
export function detectFormat(content: Buffer, text: () => string): StatementFormat {
  if (startsWith(content, ZIP_MAGIC)) return 'xlsx';
  if (startsWith(content, OLE_MAGIC)) {
    throw new StatementFormatError('不支持旧版 Excel（.xls）文件，请在网银中导出为 XLSX 或 CSV 格式');
  }
  const head = text().slice(0, 4096).trimStart();
  if (head.startsWith('<')) {
    if (/BkToCstmrStmt|camt\.053/.test(head)) return 'camt053';
    throw new StatementFormatError('无法识别的 XML 对账单：仅支持 ISO 20022 camt.053 格式');
  }
  return 'csv';
}
